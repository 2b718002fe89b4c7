package org.egotune.model.sam2;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.egotune.model.io.Safetensors;
import org.egotune.model.nn.TorchLayers;
import org.egotune.model.params.ParamTable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The SAM2 mask decoder as Sa2VA drives it, with Sa2VA's [SEG] prompt projection, as a SameDiff
 * graph whose variables are named by their Sa2VA PyTorch keys and stored in PyTorch's layout.
 *
 * <p>It consumes features, not frames, so it is not a {@link org.egotune.model.SegModel}: inputs are
 * the image embedding [B, C, g, g], the projected high-resolution features s0 [B, C/8, 4g, 4g] and
 * s1 [B, C/4, 2g, 2g] (after {@code conv_s0}/{@code conv_s1}, which SAM2 applies in
 * {@code forward_image}) and the [SEG] hidden state [B, promptInDim]. Outputs are the low-resolution
 * logits of every mask token [B, m, 4g, 4g], the IoU predictions [B, m], the object-score logit [B, 1]
 * and the selected mask [B, 1, 4g, 4g] (multimask: tokens 1.., best predicted IoU).
 */
public final class Sam2Decoder {

  /** Placeholder: image embedding [B, C, g, g] (backbone level 2, with no_mem_embed already added). */
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  /** Placeholder: high-resolution feature s0 [B, C/8, 4g, 4g], already through conv_s0. */
  public static final String HIGH_RES_S0 = "high_res_feat_s0";
  /** Placeholder: high-resolution feature s1 [B, C/4, 2g, 2g], already through conv_s1. */
  public static final String HIGH_RES_S1 = "high_res_feat_s1";
  /** Placeholder: the VideoLLM's hidden state at the [SEG] token [B, promptInDim]. */
  public static final String SEG_HIDDEN = "seg_hidden_state";
  /** Output: logits of every mask token [B, numMaskTokens, 4g, 4g]. */
  public static final String LOW_RES_MASKS = "low_res_masks";
  /** Output: predicted IoU of every mask token (sigmoid) [B, numMaskTokens]. */
  public static final String IOU_PREDICTIONS = "iou_predictions";
  /** Output: object-score (presence) logit [B, 1]. */
  public static final String OBJECT_SCORE_LOGITS = "object_score_logits";
  /** Output: the multimask token with the best predicted IoU [B, 1, 4g, 4g]. */
  public static final String MASK_LOGITS = "mask_logits";

  private final Sam2DecoderConfig config;
  private final SameDiff sd;
  private final ParamTable params;
  /** Tensors carried for load/export only (conv_s0, conv_s1): see {@link Sam2Keys#CONV_S0}. */
  private final Map<String, INDArray> carried;

  private Sam2Decoder(Sam2DecoderConfig config, SameDiff sd, Map<String, INDArray> carried) {
    this.config = config;
    this.sd = sd;
    this.params = ParamTable.of(sd);
    this.carried = carried;
  }

  /** Builds a decoder with weights initialised as PyTorch would, from a private seeded stream. */
  public static Sam2Decoder build(Sam2DecoderConfig config, long seed) {
    SameDiff sd = SameDiff.create();
    Sam2Graph.build(sd, config, seed);
    // A stream of its own, so adding or removing carried tensors never changes the graph's weights.
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5A2F_0C0E_5A2F_0C0EL);
    int c = config.width();
    Map<String, INDArray> carried = new LinkedHashMap<>();
    double bound = 1.0 / Math.sqrt(c);
    carried.put(Sam2Keys.CONV_S0 + "weight", TorchLayers.uniform(rng, new long[] {c / 8, c, 1, 1}, bound));
    carried.put(Sam2Keys.CONV_S0 + "bias", TorchLayers.uniform(rng, new long[] {c / 8}, bound));
    carried.put(Sam2Keys.CONV_S1 + "weight", TorchLayers.uniform(rng, new long[] {c / 4, c, 1, 1}, bound));
    carried.put(Sam2Keys.CONV_S1 + "bias", TorchLayers.uniform(rng, new long[] {c / 4}, bound));
    return new Sam2Decoder(config, sd, carried);
  }

  /**
   * Adds the decoder to {@code sd} on inputs computed by the rest of that graph (e.g. a trainable
   * backbone), with the same variable names, Sa2VA keys and initial values as {@link #build}; the
   * outputs get this class's output names. The positional-encoding buffer is a constant named
   * {@code ...pe_layer.positional_encoding_gaussian_matrix}; conv_s0/conv_s1 are not created (the
   * caller's backbone plays their part).
   */
  public static void attach(SameDiff sd, Sam2DecoderConfig config, long seed,
      SDVariable image, SDVariable s0, SDVariable s1, SDVariable seg) {
    Sam2Graph.build(sd, config, seed, image, s0, s1, seg);
  }

  /** Key of the positional-encoding buffer (a constant of the graph, not a trainable parameter). */
  public static String positionalEncodingKey() {
    return Sam2Keys.PE_GAUSSIAN;
  }

  public Sam2DecoderConfig config() {
    return config;
  }

  public SameDiff sameDiff() {
    return sd;
  }

  /** The trainable parameters in declaration order (the graph's variables; not buffers or carried). */
  public ParamTable params() {
    return params;
  }

  /** Runs the decoder; returns the four outputs by their constant names. */
  public Map<String, INDArray> predict(INDArray image, INDArray s0, INDArray s1, INDArray seg) {
    return sd.output(
        Map.of(IMAGE_EMBEDDINGS, image, HIGH_RES_S0, s0, HIGH_RES_S1, s1, SEG_HIDDEN, seg),
        LOW_RES_MASKS, IOU_PREDICTIONS, OBJECT_SCORE_LOGITS, MASK_LOGITS);
  }

  /**
   * Every tensor a Sa2VA state dict holds for this network, by key, as live arrays in declaration
   * order: the trainable parameters, the positional-encoding buffer, then conv_s0 and conv_s1.
   */
  public Map<String, INDArray> stateDict() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (ParamTable.Entry e : params.entries()) {
      out.put(e.name(), sd.getVariable(e.name()).getArr());
    }
    out.put(Sam2Keys.PE_GAUSSIAN, sd.getVariable(Sam2Keys.PE_GAUSSIAN).getArr());
    out.putAll(carried);
    return Collections.unmodifiableMap(out);
  }

  /**
   * Copies {@code tensors} into this decoder by key (see {@link Sa2vaStateDict#load}): every key of
   * {@link #stateDict()} must be present with the same shape; the rest of a Sa2VA state dict (image
   * encoder, memory, no_mem_embed, point/mask prompts, LLM) is skipped and counted in one log line;
   * with {@code strict}, any other key is an error too. All differences are reported together.
   */
  public void loadStateDict(Map<String, INDArray> tensors, boolean strict) {
    Sa2vaStateDict.load(stateDict(), tensors, strict, "the decoder (" + describe() + ")");
  }

  /** Loads weights from a safetensors file by Sa2VA key (see {@link #loadStateDict}); errors name the file. */
  public void loadSafetensors(Path file, boolean strict) throws IOException {
    Safetensors.loadInto(file, tensors -> loadStateDict(tensors, strict));
  }

  /** Writes every tensor of {@link #stateDict()} as F32 safetensors, with the config as metadata. */
  public void saveSafetensors(Path file) throws IOException {
    Safetensors.writeStateDict(file, stateDict(), "egotune.sam2.config", config.toString());
  }

  private String describe() {
    return "width " + config.width() + ", grid " + config.gridSize() + ", prompt "
        + config.promptInDim() + "->" + config.promptHiddenDim() + "->" + config.width();
  }
}
