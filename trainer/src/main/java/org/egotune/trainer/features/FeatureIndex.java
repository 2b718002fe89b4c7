package org.egotune.trainer.features;

import java.util.List;
import java.util.Map;

/**
 * {@code index.json} of one source's feature shards, written last: which preset's inputs the shards
 * hold (names and shapes without the batch axis), every shard file with its size and SHA-256, and
 * which shard holds each frame ({@code <video>/<frame>}) and each expression
 * ({@code <video>/<expId>}).
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param source dataset source name (e.g. {@code egomask-train}, {@code egomask-bench/short})
 * @param preset the model preset whose inputs these are
 * @param dtype element type of every tensor: {@code f32}, {@code bf16} or {@code f16} ({@link
 *     FeatureDtype}); an index written before dtypes existed has none, which means f32
 * @param inputs input name to shape without the batch axis, in the model's input order
 * @param shards the shard files in index order
 * @param frames frame key to shard index
 * @param expressions expression key to shard index
 * @param generator how the features were made (e.g. {@code synthetic seed=1}), free text
 */
public record FeatureIndex(
    int formatVersion,
    String source,
    String preset,
    String dtype,
    Map<String, long[]> inputs,
    List<Shard> shards,
    Map<String, Integer> frames,
    Map<String, Integer> expressions,
    String generator) {

  public static final int FORMAT_VERSION = 1;
  public static final String FILE_NAME = "index.json";

  /** One shard file: its name, size in bytes, SHA-256 (hex) and number of tensors. */
  public record Shard(String file, long bytes, String sha256, int tensors) {}

  public FeatureIndex {
    dtype = FeatureDtype.parse(dtype == null ? FeatureDtype.F32.id() : dtype, "dtype").id();
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException("formatVersion must be " + FORMAT_VERSION + ", found " + formatVersion);
    }
    if (source == null || preset == null || inputs == null || shards == null || frames == null
        || expressions == null) {
      throw new IllegalArgumentException("source, preset, inputs, shards, frames and expressions are required");
    }
    for (Map.Entry<String, Integer> e : frames.entrySet()) {
      checkShard("frames." + e.getKey(), e.getValue(), shards.size());
    }
    for (Map.Entry<String, Integer> e : expressions.entrySet()) {
      checkShard("expressions." + e.getKey(), e.getValue(), shards.size());
    }
  }

  private static void checkShard(String key, Integer shard, int n) {
    if (shard == null || shard < 0 || shard >= n) {
      throw new IllegalArgumentException(key + " must name a shard in [0, " + n + "), found " + shard);
    }
  }

  /** {@link #dtype} as the enum. */
  public FeatureDtype featureDtype() {
    return FeatureDtype.parse(dtype, "dtype");
  }

  /** Number of values of a tensor of {@code shape} (an input's shape without the batch axis). */
  static long values(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Key of a frame: {@code <video>/<frame>}. */
  public static String frameKey(String video, String frame) {
    return video + "/" + frame;
  }

  /** Key of an expression: {@code <video>/<expId>}. */
  public static String expressionKey(String video, String expId) {
    return video + "/" + expId;
  }

  /** Name of a tensor in a shard: {@code frame/<video>/<frame>/<input>} or {@code expression/...}. */
  public static String tensorName(boolean perExpression, String key, String input) {
    return (perExpression ? "expression/" : "frame/") + key + "/" + input;
  }

  /** Name of shard {@code i}: {@code part-%05d.safetensors}. */
  public static String shardName(int i) {
    return String.format("part-%05d.safetensors", i);
  }
}
