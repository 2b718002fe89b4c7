package org.egotune.model;

import java.util.Map;
import java.util.Objects;
import org.egotune.model.params.ParamTable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A built segmentation network: its SameDiff graph, the names of its inputs and outputs, and its
 * parameter table. Frames and an encoded expression go in; per-frame mask logits and a presence
 * logit come out.
 *
 * <p>Inputs: {@value #FRAMES} {@code [N, 3, S, S]} (pixels scaled to [-1, 1]) and {@value #TOKENS}
 * {@code [N, vocab]}. Outputs: {@value #MASK_LOGITS} {@code [N, 1, S, S]} and {@value
 * #PRESENCE_LOGIT} {@code [N, 1]}. Not thread-safe: one instance per training thread.
 */
public final class SegModel {
  public static final String FRAMES = "frames";
  public static final String TOKENS = "tokens";
  public static final String MASK_LOGITS = "mask_logits";
  public static final String PRESENCE_LOGIT = "presence_logit";

  static {
    Backend.configure();
  }

  private final ModelConfig config;
  private final SameDiff sd;
  private final ParamTable params;

  SegModel(ModelConfig config, SameDiff sd) {
    this.config = Objects.requireNonNull(config, "config");
    this.sd = Objects.requireNonNull(sd, "sd");
    this.params = ParamTable.of(sd);
  }

  /** Builds a freshly initialised network for {@code config}. */
  public static SegModel build(ModelConfig config) {
    return switch (config.preset()) {
      case "tiny" -> new SegModel(config, TinySegNet.build(config));
      default -> throw new IllegalArgumentException("unknown preset " + config.preset());
    };
  }

  /** Builds the network for {@code config} and sets its parameters from a flat vector. */
  public static SegModel withParams(ModelConfig config, float[] flat) {
    SegModel m = build(config);
    m.params.assign(m.sd, flat);
    return m;
  }

  /** The network in DL4J's SameDiff format (FlatBuffers), without optimizer state. */
  public byte[] toModelFile() {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    sd.save(bos, false);
    return bos.toByteArray();
  }

  /** Wraps a graph loaded from a model file; its variables must match the preset's table. */
  public static SegModel wrap(ModelConfig config, SameDiff sd) {
    SegModel fresh = build(config);
    SegModel loaded = new SegModel(config, sd);
    if (fresh.params.size() != loaded.params.size()) {
      throw new IllegalArgumentException(
          "model file has " + loaded.params.size() + " parameters, preset " + config.preset()
              + " expects " + fresh.params.size());
    }
    return loaded;
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

  /** Runs the network forward: returns {mask logits [N,1,S,S], presence logits [N,1]}. */
  public INDArray[] predict(INDArray frames, INDArray tokens) {
    Map<String, INDArray> out =
        sd.output(Map.of(FRAMES, frames, TOKENS, tokens), MASK_LOGITS, PRESENCE_LOGIT);
    return new INDArray[] {out.get(MASK_LOGITS), out.get(PRESENCE_LOGIT)};
  }
}
