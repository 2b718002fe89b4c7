package org.egotune.trainer.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;
import org.egotune.mixer.reader.BadSamplePolicy;
import org.egotune.trainer.features.FeatureDtype;

/**
 * Where the prepared shards and the evaluation benchmark are, and the mixture to train on. Each
 * field's key, meaning, default and valid range is its {@link Param} below.
 */
public record DataConfig(String shards, Map<String, Double> mix, String benchmark, String split,
    String onBadSample, String featureDtype) implements java.io.Serializable {

  /** The {@code data} section's fields. */
  public static final Schema<DataConfig> SCHEMA = new Schema<>("data", DataConfig.class);
  public static final Param<String> SHARDS = SCHEMA.param("shards", "egotune-out/shards",
      Range.nonBlank("a path or Hadoop URI"), "--shards",
      "root of the prepared datasets, as `prepare` writes them: `<shards>/<source>/manifest.json`");
  public static final Param<Map<String, Double>> MIX = SCHEMA.param("mix", defaultMix(),
      new Range<>("weights in [0, 1] summing to 1", DataConfig::mixError), "--mix a=0.8,b=0.2",
      "source name -> weight; a key `a+b+c` is a group whose weight is split by the members' prepared"
          + " sizes; a file's `mix` replaces the default one whole");
  public static final Param<String> BENCHMARK = SCHEMA.param("benchmark", "",
      Range.of("an EgoMask-layout root", b -> true), "--benchmark",
      "benchmark to evaluate on (empty: no evaluation)");
  public static final Param<String> SPLIT = SCHEMA.param("split", "full",
      Range.oneOf(List.of("short", "medium", "long", "full")), "--split", "benchmark split");
  public static final Param<String> ON_BAD_SAMPLE = SCHEMA.param("onBadSample", "fail",
      new Range<>("fail, skip", DataConfig::policyError), "prepare --on-bad-sample",
      "what `prepare` does with a sample it cannot use: stop with the error naming file, key and"
          + " expectation, or leave it out and list it in `bad-samples.jsonl` ([data.md](data.md#bad-samples))");

  public static final Param<String> FEATURE_DTYPE = SCHEMA.param("featureDtype", "f32",
      Range.oneOf(FeatureDtype.IDS), "generate-features --dtype",
      "element type of the feature shards `generate-features` writes for the SAM2 presets: f32, or bf16 / f16"
          + " at half the bytes (readers widen to f32 and take any; [models.md](models.md#feature-shards))");

  public DataConfig {
    shards = SHARDS.check(shards);
    mix = Collections.unmodifiableMap(new LinkedHashMap<>(MIX.check(mix)));
    benchmark = BENCHMARK.check(benchmark);
    split = SPLIT.check(split);
    onBadSample = BadSamplePolicy.parse(ON_BAD_SAMPLE.check(onBadSample), ON_BAD_SAMPLE.key()).id();
    featureDtype = FEATURE_DTYPE.check(featureDtype);
  }

  /** A builder holding the defaults. */
  public static Schema.Builder<DataConfig> builder() {
    return SCHEMA.builder();
  }

  /** A builder holding this config's values. */
  public Schema.Builder<DataConfig> toBuilder() {
    return SCHEMA.builder(this);
  }

  /** {@link #onBadSample()} as the readers take it. */
  public BadSamplePolicy badSamplePolicy() {
    return BadSamplePolicy.parse(onBadSample, "data.onBadSample");
  }

  static DataConfig defaults() {
    return builder().build();
  }

  private static Map<String, Double> defaultMix() {
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("egomask-train", 0.8);
    mix.put("ref-youtube-vos", 0.2);
    return Collections.unmodifiableMap(mix);
  }

  private static String mixError(String key, Map<String, Double> mix) {
    if (mix.isEmpty()) {
      return key + " must list at least one source with its weight";
    }
    double sum = 0;
    for (Map.Entry<String, Double> e : mix.entrySet()) {
      Double w = e.getValue();
      if (w == null || !(w >= 0 && w <= 1)) {
        return key + "." + e.getKey() + " must be a weight in [0, 1], found " + w;
      }
      sum += w;
    }
    return Math.abs(sum - 1.0) > 1e-9 ? key + " weights must sum to 1, found " + mix + " (sum " + sum + ")" : null;
  }

  private static String policyError(String key, String policy) {
    try {
      BadSamplePolicy.parse(policy, key);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
