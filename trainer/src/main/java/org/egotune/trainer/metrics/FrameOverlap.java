package org.egotune.trainer.metrics;

/**
 * Pixel counts of one frame's ground truth G and prediction P, and the DAVIS per-frame J from them;
 * shared by {@link EgoMaskScorer} and {@link NvosScorer} so both compute J the same way.
 *
 * @param areaG |G|
 * @param areaP |P|
 * @param intersection |G and P|
 */
record FrameOverlap(long areaG, long areaP, long intersection) {

  /** Counts over two row-major masks of the same size; null stands for an empty mask. */
  static FrameOverlap of(boolean[] g, boolean[] p) {
    if (g == null || p == null) {
      return new FrameOverlap(count(g), count(p), 0);
    }
    if (g.length != p.length) {
      throw new IllegalArgumentException(
          "masks differ in size: " + g.length + " vs " + p.length + " pixels");
    }
    long areaG = 0;
    long areaP = 0;
    long inter = 0;
    for (int k = 0; k < g.length; k++) {
      boolean gk = g[k];
      boolean pk = p[k];
      if (gk) {
        areaG++;
      }
      if (pk) {
        areaP++;
      }
      if (gk && pk) {
        inter++;
      }
    }
    return new FrameOverlap(areaG, areaP, inter);
  }

  /** |G or P|. */
  long union() {
    return areaG + areaP - intersection;
  }

  /**
   * J = |G and P| / |G or P| as the double quotient of the integer areas (as numpy computes it), and
   * 1.0 when the union is empty (DAVIS {@code db_eval_iou}).
   */
  double iou() {
    long union = union();
    return union > 0 ? (double) intersection / (double) union : 1.0;
  }

  private static long count(boolean[] a) {
    if (a == null) {
      return 0;
    }
    long n = 0;
    for (boolean v : a) {
      if (v) {
        n++;
      }
    }
    return n;
  }
}
