package org.egotune.model.depth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.model.io.Safetensors;
import org.egotune.model.params.ParamTable;
import org.egotune.model.sam2.Sa2vaStateDict;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EgoDTM's 3D-aware depth decoder as released (shared/NVOS_AND_DEPTH.md B.2) as a SameDiff graph
 * whose variables are named by the release's PyTorch state-dict keys and stored in PyTorch's layout.
 *
 * <p>Input {@value #PATCH_TOKENS} [B, T, g*g, D]: a clip's frame-major patch tokens (EgoDTM: the video
 * encoder's last-layer tokens after ln_post, without [CLS]). Outputs: {@value #DEPTH} [B, T, 4g, 4g],
 * inverse depth in (0, 1) from the last layer; {@code depth_aux_<i>} the same from the initial queries
 * (i = 0) and after layer i (the release's {@code aux_outputs}); {@value #BIN_CENTERS} [B, Q], the
 * last layer's bin centres, shared by a clip's frames.
 */
public final class DepthHead {
  /** Placeholder: patch tokens [B, T, g*g, D], frame-major, row-major within a frame. */
  public static final String PATCH_TOKENS = "patch_tokens";
  /** Output: the last layer's inverse depth [B, T, 4g, 4g]. */
  public static final String DEPTH = "depth";
  /** Output: the last layer's bin centres [B, Q], increasing, inside (0, 1). */
  public static final String BIN_CENTERS = "bin_centers";
  private static final String AUX = "depth_aux_";

  private final DepthHeadConfig config;
  private final SameDiff sd;
  private final ParamTable params;

  private DepthHead(DepthHeadConfig config, SameDiff sd) {
    this.config = config;
    this.sd = sd;
    this.params = ParamTable.of(sd);
  }

  /** Builds the decoder with weights initialised as the release does, from a private seeded stream. */
  public static DepthHead build(DepthHeadConfig config, long seed) {
    SameDiff sd = SameDiff.create();
    DepthGraph.build(sd, config, seed);
    return new DepthHead(config, sd);
  }

  /**
   * Adds the decoder to {@code sd} on tokens [B, T, g*g, D] computed by the rest of that graph (an
   * auxiliary head on a trainable backbone), with the same names and initial values as {@link #build}.
   */
  public static void attach(SameDiff sd, DepthHeadConfig config, long seed, SDVariable tokens) {
    DepthGraph.build(sd, config, seed, tokens);
  }

  /** Name of the prediction before the last: i = 0 from the initial queries, i after layer i. */
  public static String auxDepth(int i) {
    return AUX + i;
  }

  /** The names of all predictions, earliest first, the last being {@value #DEPTH}. */
  public static List<String> predictionNames(DepthHeadConfig config) {
    String[] names = new String[config.layers() + 1];
    for (int i = 0; i < config.layers(); i++) {
      names[i] = auxDepth(i);
    }
    names[config.layers()] = DEPTH;
    return List.of(names);
  }

  public DepthHeadConfig config() {
    return config;
  }

  public SameDiff sameDiff() {
    return sd;
  }

  /** The trainable parameters (in SameDiff's variable order, the flat vector's order). */
  public ParamTable params() {
    return params;
  }

  /** Runs the decoder on tokens [B, T, g*g, D]; returns {@value #DEPTH} and {@value #BIN_CENTERS}. */
  public Map<String, INDArray> predict(INDArray tokens) {
    return sd.output(Map.of(PATCH_TOKENS, tokens), DEPTH, BIN_CENTERS);
  }

  /** Every tensor by its release key, as live arrays, in the release's state-dict order. */
  public Map<String, INDArray> stateDict() {
    return stateDict(sd, config);
  }

  /** The state dict of a graph holding a decoder of {@code config} (e.g. inside a preset's graph). */
  public static Map<String, INDArray> stateDict(SameDiff sd, DepthHeadConfig config) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (DepthKeys.Tensor t : DepthKeys.table(config)) {
      out.put(t.key(), sd.getVariable(t.key()).getArr());
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Copies {@code tensors} into this decoder by release key: every key must be present with its
   * shape; the rest of a full EgoDTM checkpoint ({@code backbone.}, {@code image_projection},
   * {@code vtm_head.}) is skipped and counted; with {@code strict}, any other key is an error. All
   * differences are reported together; nothing is copied then.
   */
  public void loadStateDict(Map<String, INDArray> tensors, boolean strict) {
    load(stateDict(), tensors, strict, "the depth decoder (" + describe() + ")");
  }

  /** {@link #loadStateDict} for any map of this decoder's live tensors. */
  public static void load(Map<String, INDArray> own, Map<String, INDArray> tensors, boolean strict, String target) {
    Sa2vaStateDict.load(own, tensors, strict, target, Map.of("EgoDTM dual encoder and heads", DepthKeys.OTHER_PARTS));
  }

  /** Loads weights from a safetensors file by release key (see {@link #loadStateDict}); errors name the file. */
  public void loadSafetensors(Path file, boolean strict) throws IOException {
    Safetensors.loadInto(file, tensors -> loadStateDict(tensors, strict));
  }

  /** Writes every tensor of {@link #stateDict()} as F32 safetensors, with the config as metadata. */
  public void saveSafetensors(Path file) throws IOException {
    Safetensors.writeStateDict(file, stateDict(), "egotune.depth.config", config.toString());
  }

  private String describe() {
    return "tokens " + config.frames() + " x " + config.grid() + " x " + config.grid() + " x " + config.inDim()
        + ", width " + config.width() + ", " + config.layers() + " layers";
  }
}
