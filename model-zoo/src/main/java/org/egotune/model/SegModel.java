package org.egotune.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.egotune.model.depth.DepthHead;
import org.egotune.model.io.Safetensors;
import org.egotune.model.params.ParamTable;
import org.egotune.model.sam2.Sa2vaStateDict;
import org.egotune.model.sam2.Sam2Decoder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A built network of any preset: its SameDiff graph, its named inputs (in a fixed order, see
 * {@link #inputs()}), its named outputs ({@link #outputs()}) and its parameter table. The
 * segmentation presets end in the SAM2 decoder design: {@value #MASK_LOGITS} {@code [N, 1, M, M]} is
 * SAM2's selected mask at the decoder's output size {@code M = config().maskSize()},
 * {@value #PRESENCE_LOGIT} {@code [N, 1]} is its object-score head. The depth presets
 * ({@link ModelConfig#predictsDepth()}) are EgoDTM's depth decoder: input {@link DepthHead#PATCH_TOKENS},
 * outputs {@value #DEPTH} {@code [N, T, M, M]} and {@link DepthHead#BIN_CENTERS}, where N counts clips.
 * Not thread-safe: one instance per training thread.
 */
public final class SegModel {
  /** tiny input: frames {@code [N, 3, S, S]}, pixels scaled to [-1, 1]. */
  public static final String FRAMES = "frames";
  /** tiny input: hashed expression tokens {@code [N, vocab]}. */
  public static final String TOKENS = "tokens";
  public static final String MASK_LOGITS = Sam2Decoder.MASK_LOGITS;
  public static final String PRESENCE_LOGIT = "presence_logit";
  /** Depth presets' output: inverse depth {@code [N, T, M, M]} (see {@link DepthHead}). */
  public static final String DEPTH = DepthHead.DEPTH;

  static {
    Backend.configure();
  }

  private final ModelConfig config;
  private final SameDiff sd;
  private final ParamTable params;
  private final Map<String, long[]> inputs;
  private final Map<String, long[]> outputs;
  /** The SAM2 feature presets' decoder (for Sa2VA state dicts with conv_s0/s1); null otherwise. */
  private final Sam2Decoder decoder;
  /** The depth presets' decoder; null otherwise. */
  private final DepthHead depth;

  private SegModel(ModelConfig config, SameDiff sd, Sam2Decoder decoder, DepthHead depth) {
    this.config = Objects.requireNonNull(config, "config");
    this.sd = Objects.requireNonNull(sd, "sd");
    this.params = ParamTable.of(sd);
    this.decoder = decoder;
    this.depth = depth;
    this.inputs = Collections.unmodifiableMap(inputShapes(config));
    this.outputs = Collections.unmodifiableMap(outputShapes(config));
  }

  /** Builds a freshly initialised network for {@code config}. */
  public static SegModel build(ModelConfig config) {
    if (!config.usesFeatures()) {
      return new SegModel(config, TinySegNet.build(config), null, null);
    }
    if (config.predictsDepth()) {
      DepthHead h = DepthHead.build(config.depthConfig(), config.initSeed());
      return new SegModel(config, h.sameDiff(), null, h);
    }
    Sam2Decoder d = Sam2Decoder.build(config.decoderConfig(), config.initSeed());
    SameDiff sd = d.sameDiff();
    sd.identity(PRESENCE_LOGIT, sd.getVariable(Sam2Decoder.OBJECT_SCORE_LOGITS));
    return new SegModel(config, sd, d, null);
  }

  /** Builds the network for {@code config} and sets its parameters from a flat vector. */
  public static SegModel withParams(ModelConfig config, float[] flat) {
    SegModel m = build(config);
    m.params.assign(m.sd, flat);
    return m;
  }

  /**
   * Input names and shapes ({@code -1} = batch) in the order the model takes them: tiny
   * {@value #FRAMES}, {@value #TOKENS}; the SAM2 presets the image embedding, the high-resolution
   * maps s0 and s1 and the [SEG] hidden state ({@link Sam2Decoder}'s placeholder names); the depth
   * presets a clip's patch tokens {@code [-1, T, g*g, D]} ({@link DepthHead#PATCH_TOKENS}).
   */
  public static Map<String, long[]> inputShapes(ModelConfig config) {
    Map<String, long[]> in = new LinkedHashMap<>();
    if (config.predictsDepth()) {
      var dc = config.depthConfig();
      in.put(DepthHead.PATCH_TOKENS, new long[] {-1, dc.frames(), dc.tokensPerFrame(), dc.inDim()});
      return in;
    }
    if (!config.usesFeatures()) {
      int s = config.imageSize();
      in.put(FRAMES, new long[] {-1, 3, s, s});
      in.put(TOKENS, new long[] {-1, config.vocab()});
      return in;
    }
    var dc = config.decoderConfig();
    int c = dc.width();
    int g = dc.gridSize();
    in.put(Sam2Decoder.IMAGE_EMBEDDINGS, new long[] {-1, c, g, g});
    in.put(Sam2Decoder.HIGH_RES_S0, new long[] {-1, c / 8, 4 * g, 4 * g});
    in.put(Sam2Decoder.HIGH_RES_S1, new long[] {-1, c / 4, 2 * g, 2 * g});
    in.put(Sam2Decoder.SEG_HIDDEN, new long[] {-1, dc.promptInDim()});
    return in;
  }

  /**
   * Output names and shapes ({@code -1} = batch) in the order {@link #predict} returns them: the
   * segmentation presets {@value #MASK_LOGITS} {@code [-1, 1, M, M]} and {@value #PRESENCE_LOGIT}
   * {@code [-1, 1]}; the depth presets {@value #DEPTH} {@code [-1, T, M, M]} and
   * {@link DepthHead#BIN_CENTERS} {@code [-1, Q]}.
   */
  public static Map<String, long[]> outputShapes(ModelConfig config) {
    Map<String, long[]> out = new LinkedHashMap<>();
    int m = config.maskSize();
    if (config.predictsDepth()) {
      var dc = config.depthConfig();
      out.put(DEPTH, new long[] {-1, dc.frames(), m, m});
      out.put(DepthHead.BIN_CENTERS, new long[] {-1, dc.queries()});
      return out;
    }
    out.put(MASK_LOGITS, new long[] {-1, 1, m, m});
    out.put(PRESENCE_LOGIT, new long[] {-1, 1});
    return out;
  }

  /** The network in DL4J's SameDiff format (FlatBuffers), without optimizer state. */
  public byte[] toModelFile() {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    sd.save(bos, false);
    return bos.toByteArray();
  }

  public ModelConfig config() {
    return config;
  }

  /** The SameDiff graph; the trainer adds its loss to it. */
  public SameDiff sameDiff() {
    return sd;
  }

  public ParamTable params() {
    return params;
  }

  /** Input names to shapes, in input order (see {@link #inputShapes}). */
  public Map<String, long[]> inputs() {
    return inputs;
  }

  /** Output names to shapes, in the order {@link #predict} returns them (see {@link #outputShapes}). */
  public Map<String, long[]> outputs() {
    return outputs;
  }

  /** Input names in input order. */
  public List<String> inputNames() {
    return List.copyOf(inputs.keySet());
  }

  /**
   * Runs the network forward on named inputs; returns its outputs in {@link #outputs()} order
   * (segmentation: {mask logits [N,1,M,M], presence logits [N,1]}; depth: {depth [N,T,M,M], bin
   * centres [N,Q]}). A missing or unexpected input name fails naming both lists.
   */
  public INDArray[] predict(Map<String, INDArray> in) {
    if (!in.keySet().equals(inputs.keySet())) {
      throw new IllegalArgumentException("preset " + config.preset() + " takes inputs "
          + inputs.keySet() + ", got " + in.keySet());
    }
    String[] names = outputs.keySet().toArray(new String[0]);
    Map<String, INDArray> out = sd.output(in, names);
    INDArray[] result = new INDArray[names.length];
    for (int i = 0; i < names.length; i++) {
      result[i] = out.get(names[i]);
    }
    return result;
  }

  /**
   * Every tensor of the network by its export name, as live arrays: for the SAM2 presets Sa2VA's
   * state-dict keys (parameters, the positional-encoding buffer, conv_s0/conv_s1); for tiny its
   * parameters (decoder under Sa2VA's keys, backbone and expression encoder under
   * {@code egotune.tiny.}) and the positional-encoding buffer; for the depth presets EgoDTM's
   * release keys ({@link DepthHead#stateDict()}).
   */
  public Map<String, INDArray> stateDict() {
    if (decoder != null) {
      return decoder.stateDict();
    }
    if (depth != null) {
      return depth.stateDict();
    }
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (ParamTable.Entry e : params.entries()) {
      out.put(e.name(), sd.getVariable(e.name()).getArr());
    }
    SDVariable pe = sd.getVariable(Sam2Decoder.positionalEncodingKey());
    out.put(pe.name(), pe.getArr());
    return Collections.unmodifiableMap(out);
  }

  /**
   * Loads tensors by export name (see {@link #stateDict()}) with {@link Sa2vaStateDict#load}: every
   * tensor of the model must be present with its shape; the parts of a Sa2VA state dict the decoder
   * path never uses are skipped and counted; with {@code strict}, any other unknown key fails. A
   * failure lists every difference. The depth presets load by EgoDTM's keys instead, skipping the
   * rest of a full EgoDTM checkpoint ({@link DepthHead#loadStateDict}).
   */
  public void loadStateDict(Map<String, INDArray> tensors, boolean strict) {
    if (decoder != null) {
      decoder.loadStateDict(tensors, strict);
      return;
    }
    if (depth != null) {
      depth.loadStateDict(tensors, strict);
      return;
    }
    Sa2vaStateDict.load(stateDict(), tensors, strict, "preset " + config.preset());
  }

  /** Writes {@link #stateDict()} as F32 safetensors with {@code metadata}. */
  public void saveSafetensors(Path file, Map<String, String> metadata) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("egotune.preset", config.preset());
    meta.put("egotune.model", config.toString());
    meta.putAll(metadata);
    Safetensors.write(file, stateDict(), meta);
  }
}
