package org.egotune.mixer.mix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a run's mixture really is: for each source its share of the whole run, the worst deviation
 * from its weight over every prefix of the global order and over every window, and how often the
 * source repeats. Computed by walking the mixer's own order ({@link RatioMixer#range}), so it
 * audits the code that training uses, not a formula.
 *
 * <p>A window is one averaging round's global batch: {@code workers x batchSize x averagingEvery}
 * consecutive positions starting at a multiple of that size (the last one may be shorter when the
 * run's steps are not a multiple of the round), i.e. exactly the samples whose gradients are
 * averaged together.
 */
public final class MixAudit {

  /** Positions read from the mixer at a time (bounds memory for long runs). */
  private static final int CHUNK = 1 << 16;

  private MixAudit() {}

  /**
   * The audit of one source.
   *
   * @param name the source
   * @param weight its weight (normalised by the weights' sum)
   * @param size its number of samples, or -1 when unknown (not prepared)
   * @param count samples it contributes to the run
   * @param realised {@code count / total}, in [0, 1]
   * @param maxPrefixDeviation max over prefixes n = 1..total of |count in the first n - weight x n|,
   *     in samples
   * @param maxPrefixDeviationAt the smallest prefix length n at which that maximum is reached
   *     (within 1e-9; 0 when the source never deviates)
   * @param windowShareMin the smallest share of this source in any window
   * @param windowShareMax the largest share of this source in any window
   * @param worstWindow index of the window with the largest |count - weight x window size|
   * @param worstWindowDeviation that deviation, in samples
   * @param epochs {@code count / size} (how many times the source is used whole), or NaN when the
   *     size is unknown
   * @param maxUses the most times any one sample of the source is drawn ({@code ceil(count /
   *     size)}), or -1 when the size is unknown
   */
  public record SourceAudit(String name, double weight, long size, long count, double realised,
      double maxPrefixDeviation, long maxPrefixDeviationAt, double windowShareMin,
      double windowShareMax, long worstWindow, double worstWindowDeviation, double epochs,
      long maxUses) {}

  /**
   * The audit of a run.
   *
   * @param total positions in the run
   * @param windowSize positions per window (the last window may be shorter)
   * @param windows number of windows
   * @param sources one entry per source, in the mixer's order
   */
  public record Report(long total, long windowSize, long windows, List<SourceAudit> sources) {}

  /**
   * Audits the first {@code total} positions of {@code sources} with {@code seed}.
   *
   * @param sizeKnown per source, whether its {@link MixSource#size()} is real; an unknown size only
   *     leaves the epochs out (which source is drawn never depends on the sizes)
   */
  public static Report audit(List<MixSource> sources, boolean[] sizeKnown, long seed, long total,
      long windowSize) {
    Objects.requireNonNull(sources, "sources");
    if (sizeKnown.length != sources.size()) {
      throw new IllegalArgumentException(
          "sizeKnown has " + sizeKnown.length + " entries for " + sources.size() + " sources");
    }
    if (total < 1) {
      throw new IllegalArgumentException("total must be >= 1, found " + total);
    }
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be >= 1, found " + windowSize);
    }
    RatioMixer mixer = new RatioMixer(sources, seed);
    int n = sources.size();
    double wsum = 0;
    for (MixSource s : sources) {
      wsum += s.weight();
    }
    double[] w = new double[n];
    for (int s = 0; s < n; s++) {
      w[s] = sources.get(s).weight() / wsum;
    }
    long[] count = new long[n];
    double[] maxDev = new double[n];
    long[] maxDevAt = new long[n];
    long[] inWindow = new long[n];
    double[] shareMin = new double[n];
    double[] shareMax = new double[n];
    java.util.Arrays.fill(shareMin, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(shareMax, Double.NEGATIVE_INFINITY);
    long[] worstWindow = new long[n];
    double[] worstWindowDev = new double[n];
    java.util.Arrays.fill(worstWindowDev, -1);
    long windows = 0;
    long inThisWindow = 0;
    for (long from = 0; from < total; from += CHUNK) {
      int len = (int) Math.min(CHUNK, total - from);
      for (MixEntry e : mixer.range(from, len)) {
        count[e.source()]++;
        inWindow[e.source()]++;
        inThisWindow++;
        long prefix = e.position() + 1;
        for (int s = 0; s < n; s++) {
          double d = Math.abs(count[s] - w[s] * prefix);
          // the tolerance keeps the first prefix reaching the maximum when later ones differ
          // from it only by rounding (0.8 x 2 and 0.8 x 7 are not equally far from integers)
          if (d > maxDev[s] + 1e-9) {
            maxDev[s] = d;
            maxDevAt[s] = prefix;
          }
        }
        if (inThisWindow == windowSize || prefix == total) {
          for (int s = 0; s < n; s++) {
            double share = (double) inWindow[s] / inThisWindow;
            shareMin[s] = Math.min(shareMin[s], share);
            shareMax[s] = Math.max(shareMax[s], share);
            double d = Math.abs(inWindow[s] - w[s] * inThisWindow);
            if (d > worstWindowDev[s]) {
              worstWindowDev[s] = d;
              worstWindow[s] = windows;
            }
          }
          windows++;
          inThisWindow = 0;
          java.util.Arrays.fill(inWindow, 0);
        }
      }
    }
    List<SourceAudit> out = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      MixSource src = sources.get(s);
      long size = sizeKnown[s] ? src.size() : -1;
      out.add(new SourceAudit(src.name(), w[s], size, count[s], (double) count[s] / total, maxDev[s],
          maxDevAt[s], shareMin[s], shareMax[s], worstWindow[s], worstWindowDev[s],
          size > 0 ? (double) count[s] / size : Double.NaN,
          size > 0 ? (count[s] + size - 1) / size : -1));
    }
    return new Report(total, windowSize, windows, out);
  }
}
