package org.egotune.cluster.sweep;

import java.util.List;

/**
 * A ratio ablation: which ego shares and seeds to train, which source is the egocentric one, how
 * many points run at once, where results go and which exocentric hold-out to score.
 *
 * @param shares ego shares in [0, 1]; the other sources share {@code 1 - share} in the proportions
 *     the job's {@code data.mix} gives them
 * @param seeds training seeds per share (the mean and standard deviation are reported)
 * @param egoSource name of the egocentric source in {@code data.mix}
 * @param concurrency points trained at the same time (Spark runs their jobs side by side)
 * @param out sweep directory: one sub-directory per point, the table and the plot
 * @param exoHoldout root of a Ref-YouTube-VOS-layout hold-out to score every point on (empty: none)
 */
public record SweepConfig(List<Double> shares, List<Long> seeds, String egoSource, int concurrency,
    String out, String exoHoldout) {

  /** The paper's grid. */
  public static final List<Double> DEFAULT_SHARES = List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);

  public SweepConfig {
    if (shares == null || shares.isEmpty()) {
      throw new IllegalArgumentException("sweep.shares must list at least one ego share");
    }
    for (Double s : shares) {
      if (s == null || !(s >= 0 && s <= 1)) {
        throw new IllegalArgumentException("sweep.shares must be in [0, 1], found " + s);
      }
    }
    if (shares.stream().distinct().count() != shares.size()) {
      throw new IllegalArgumentException("sweep.shares has duplicates: " + shares);
    }
    if (seeds == null || seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
      throw new IllegalArgumentException("sweep.seeds must list distinct seeds, found " + seeds);
    }
    if (egoSource == null || egoSource.isBlank()) {
      throw new IllegalArgumentException("sweep.egoSource must name a source of data.mix");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("sweep.concurrency must be >= 1, found " + concurrency);
    }
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException("sweep.out must name a directory");
    }
    shares = List.copyOf(shares);
    seeds = List.copyOf(seeds);
    exoHoldout = exoHoldout == null ? "" : exoHoldout;
  }
}
