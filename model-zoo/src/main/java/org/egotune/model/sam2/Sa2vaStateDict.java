package org.egotune.model.sam2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loading a Sa2VA-style state dict into a model by key, and the one place that knows which keys of a
 * full Sa2VA checkpoint the decoder path never uses.
 *
 * <p>The model's own keys (decoder, [SEG] projection {@code text_hidden_fcs}, prompt-encoder
 * embeddings and positional-encoding buffer, conv_s0/conv_s1; tiny's backbone) must all be present
 * with their shapes. Keys in {@link #UNUSED} are skipped, strict or not: SAM2's image encoder and
 * memory modules, {@code no_mem_embed} (already added to the image embedding of the feature shards),
 * the point and mask-input prompt embeddings, and the multimodal LLM (vision model, projector,
 * language model). Any other key is refused under {@code strict} (a typo or another model's file
 * should not load silently) and skipped otherwise. Either way, what was skipped is counted by
 * group in one INFO line.
 */
public final class Sa2vaStateDict {
  private static final Logger LOG = LoggerFactory.getLogger(Sa2vaStateDict.class);

  /** Group of keys that are neither the model's nor in {@link #UNUSED} (skipped only when not strict). */
  public static final String OTHER = "other";

  /**
   * Key patterns of a Sa2VA checkpoint the decoder path never uses, by group (as logged), first match
   * wins. A pattern ending in '.' is a module prefix; any other is one exact key.
   */
  static final Map<String, List<String>> UNUSED = unused();

  private Sa2vaStateDict() {}

  private static Map<String, List<String>> unused() {
    String s = Sam2Keys.SAM2;
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("image encoder", List.of(s + "image_encoder."));
    m.put("memory", List.of(s + "memory_encoder.", s + "memory_attention.", s + "mask_downsample.",
        s + "obj_ptr_proj.", s + "obj_ptr_tpos_proj.", s + "maskmem_tpos_enc", s + "no_mem_embed",
        s + "no_mem_pos_enc", s + "no_obj_ptr", s + "no_obj_embed_spatial"));
    m.put("point/mask prompts", List.of(Sam2Keys.PROMPT + "point_embeddings.",
        Sam2Keys.PROMPT + "mask_downscaling."));
    // Released (Hugging Face) checkpoints: vision_model, mlp1, language_model at the top; the
    // training code's state dict nests them under mllm.model.
    m.put("vision model", List.of("vision_model.", "mlp1.", "mllm.model.vision_model.", "mllm.model.mlp1."));
    m.put("LLM", List.of("language_model.", "mllm."));
    return Collections.unmodifiableMap(m);
  }

  /** The group of {@code key} when it is a Sa2VA key the decoder path never uses, else null. */
  public static String unusedGroup(String key) {
    return group(UNUSED, key);
  }

  private static String group(Map<String, List<String>> unused, String key) {
    for (Map.Entry<String, List<String>> g : unused.entrySet()) {
      for (String p : g.getValue()) {
        if (p.endsWith(".") ? key.startsWith(p) : key.equals(p)) {
          return g.getKey();
        }
      }
    }
    return null;
  }

  /**
   * How many of {@code keys} are not in {@code own}, by group: the groups of {@link #UNUSED} in their
   * order, then {@value #OTHER}; groups with none are left out.
   */
  public static Map<String, Integer> skipped(Set<String> own, Collection<String> keys) {
    return skipped(UNUSED, own, keys);
  }

  private static Map<String, Integer> skipped(Map<String, List<String>> unused, Set<String> own, Collection<String> keys) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    unused.keySet().forEach(g -> counts.put(g, 0));
    counts.put(OTHER, 0);
    for (String key : keys) {
      if (!own.contains(key)) {
        String group = group(unused, key);
        counts.merge(group == null ? OTHER : group, 1, Integer::sum);
      }
    }
    counts.values().removeIf(n -> n == 0);
    return counts;
  }

  /**
   * Copies {@code tensors} into {@code own} by key, each cast to its own tensor's type, and returns how
   * many tensors were skipped. Fails listing every difference together when a key of {@code own} is
   * missing or has another shape (found and expected), or, with {@code strict}, when a key is neither
   * in {@code own} nor a Sa2VA key the decoder path never uses; nothing is copied then.
   *
   * @param target what is loaded into, for the messages (e.g. "the decoder (width 256, ...)")
   */
  public static int load(Map<String, INDArray> own, Map<String, INDArray> tensors, boolean strict, String target) {
    return load(own, tensors, strict, target, UNUSED);
  }

  /**
   * {@link #load(Map, Map, boolean, String)} for another model's checkpoint: {@code unused} replaces
   * Sa2VA's groups of keys to skip (group name to key patterns; a pattern ending in '.' is a prefix).
   */
  public static int load(Map<String, INDArray> own, Map<String, INDArray> tensors, boolean strict, String target,
      Map<String, List<String>> unused) {
    List<String> missing = new ArrayList<>();
    List<String> badShape = new ArrayList<>();
    for (Map.Entry<String, INDArray> e : own.entrySet()) {
      INDArray src = tensors.get(e.getKey());
      String expected = Arrays.toString(e.getValue().shape());
      if (src == null) {
        missing.add(e.getKey() + " (expected " + expected + ")");
      } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
        badShape.add(e.getKey() + " " + Arrays.toString(src.shape()) + " (expected " + expected + ")");
      }
    }
    TreeSet<String> unknown = new TreeSet<>();
    for (String key : tensors.keySet()) {
      if (!own.containsKey(key) && group(unused, key) == null) {
        unknown.add(key);
      }
    }
    if (!missing.isEmpty() || !badShape.isEmpty() || (strict && !unknown.isEmpty())) {
      StringBuilder msg = new StringBuilder("state dict does not match ").append(target).append(':');
      if (!missing.isEmpty()) {
        msg.append("\n  missing: ").append(missing);
      }
      if (!badShape.isEmpty()) {
        msg.append("\n  shape differs: ").append(badShape);
      }
      if (strict && !unknown.isEmpty()) {
        String skips = unused == UNUSED ? "a Sa2VA key the decoder path skips" : "a key of " + unused.keySet();
        msg.append("\n  unknown (neither a tensor of the model nor ").append(skips).append("): ")
            .append(unknown);
      }
      throw new IllegalArgumentException(msg.toString());
    }
    own.forEach((k, v) -> v.assign(tensors.get(k).castTo(v.dataType())));
    Map<String, Integer> skipped = skipped(unused, own.keySet(), tensors.keySet());
    int total = skipped.values().stream().mapToInt(Integer::intValue).sum();
    if (total > 0) {
      StringBuilder groups = new StringBuilder();
      skipped.forEach((g, n) -> groups.append(groups.length() == 0 ? "" : ", ").append(g).append(' ').append(n));
      if (!unknown.isEmpty()) {
        List<String> named = List.copyOf(unknown).subList(0, Math.min(10, unknown.size()));
        groups.append(": ").append(named).append(unknown.size() > named.size() ? " ..." : "");
      }
      LOG.info("loaded {} tensors into {}; skipped {} keys it does not use ({})", own.size(), target, total, groups);
    }
    return total;
  }
}
