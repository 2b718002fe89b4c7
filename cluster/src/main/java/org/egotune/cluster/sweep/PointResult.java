package org.egotune.cluster.sweep;

import java.util.Map;

/**
 * What one sweep point produced: its target and realised mixture, the samples it trained on, and
 * the metrics ({@code MetricTable.Summary#toJson} maps) per benchmark split and on the exo hold-out.
 *
 * @param share target ego share
 * @param seed training seed
 * @param targetMix source to target weight
 * @param realisedCounts source to samples trained on
 * @param samples samples trained on in total
 * @param ego benchmark split to metrics
 * @param exo hold-out metrics (empty without a hold-out)
 * @param seconds training wall time
 * @param checkpoint the point's final checkpoint
 */
public record PointResult(double share, long seed, Map<String, Double> targetMix,
    Map<String, Long> realisedCounts, long samples, Map<String, Map<String, Object>> ego,
    Map<String, Object> exo, double seconds, String checkpoint) {

  /** A metric of the benchmark split, or NaN when absent. */
  double ego(String split, String metric) {
    Map<String, Object> m = ego.get(split);
    return m == null ? Double.NaN : number(m.get(metric));
  }

  /** A metric on the exo hold-out, or NaN when absent. */
  double exo(String metric) {
    return exo == null ? Double.NaN : number(exo.get(metric));
  }

  /** The realised share of {@code source} in the samples trained on. */
  double realisedShare(String source) {
    Long n = realisedCounts.get(source);
    return samples == 0 || n == null ? 0 : n / (double) samples;
  }

  private static double number(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
