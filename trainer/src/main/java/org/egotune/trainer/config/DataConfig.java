package org.egotune.trainer.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.mixer.reader.BadSamplePolicy;

/**
 * Where the prepared shards and the evaluation benchmark are, and the mixture to train on.
 *
 * @param shards directory (any Hadoop URI or local path) holding one prepared dataset per source,
 *     as {@code prepare} writes it: {@code <shards>/<source>/manifest.json}
 * @param mix source name to weight; weights must sum to 1 (the default is 80 % egocentric)
 * @param benchmark root of an EgoMask-layout benchmark to evaluate on (empty: no evaluation)
 * @param split benchmark split: short, medium, long or full
 * @param onBadSample what {@code prepare} does with a sample it cannot use: {@code fail} (stop with
 *     the error) or {@code skip} (leave it out and list it in {@code bad-samples.jsonl})
 */
public record DataConfig(String shards, Map<String, Double> mix, String benchmark, String split,
    String onBadSample) implements java.io.Serializable {

  /** A data section with the default {@code onBadSample} ({@code fail}). */
  public DataConfig(String shards, Map<String, Double> mix, String benchmark, String split) {
    this(shards, mix, benchmark, split, "fail");
  }

  public DataConfig {
    if (shards == null || shards.isBlank()) {
      throw new IllegalArgumentException("data.shards must name a directory, found '" + shards + "'");
    }
    if (mix == null || mix.isEmpty()) {
      throw new IllegalArgumentException("data.mix must list at least one source with its weight");
    }
    double sum = 0;
    for (Map.Entry<String, Double> e : mix.entrySet()) {
      Double w = e.getValue();
      if (w == null || !(w >= 0 && w <= 1)) {
        throw new IllegalArgumentException(
            "data.mix." + e.getKey() + " must be a weight in [0, 1], found " + w);
      }
      sum += w;
    }
    if (Math.abs(sum - 1.0) > 1e-9) {
      throw new IllegalArgumentException("data.mix weights must sum to 1, found " + mix + " (sum " + sum + ")");
    }
    mix = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mix));
    benchmark = benchmark == null ? "" : benchmark;
    split = split == null ? "short" : split;
    if (!java.util.List.of("short", "medium", "long", "full").contains(split)) {
      throw new IllegalArgumentException(
          "data.split must be one of short, medium, long, full; found " + split);
    }
    onBadSample = BadSamplePolicy.parse(onBadSample == null ? "fail" : onBadSample, "data.onBadSample").id();
  }

  /** {@link #onBadSample()} as the readers take it. */
  public BadSamplePolicy badSamplePolicy() {
    return BadSamplePolicy.parse(onBadSample, "data.onBadSample");
  }

  static DataConfig defaults() {
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("egomask-train", 0.8);
    mix.put("ref-youtube-vos", 0.2);
    return new DataConfig("egotune-out/shards", mix, "", "full");
  }
}
