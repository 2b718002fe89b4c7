package org.egotune.trainer.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Depth metrics of EgoDTM's H2O probe as {@code ../shared/NVOS_AND_DEPTH.md} B.7 defines them,
 * which is Probe3D's {@code evaluate_depth} ({@code mbanani/probe3d}, {@code evals/utils/metrics.py}):
 * δ1, δ2, δ3 (share of valid pixels with {@code max(gt/pred, pred/gt) < 1.25^i}) and RMSE, each per
 * image and then averaged over images, scale-aware (the prediction as it is) and scale-invariant
 * (after a least-squares scale and shift per image), plus AbsRel, which EgoDTM does not report.
 *
 * <p>Rules, all Probe3D's unless marked ours:
 *
 * <ul>
 *   <li>A pixel is valid when {@code gt > 0}; {@code n = max(1, valid count)}, so an image with no
 *       valid pixel scores δ = 0, RMSE = 0 and still counts in the mean over images.
 *   <li>The ratio clamps both denominators at 1e-9: {@code max(gt / max(pred, 1e-9),
 *       pred / max(gt, 1e-9))}; a prediction at or below zero therefore fails every threshold. A NaN
 *       prediction fails every threshold and makes RMSE and AbsRel NaN (as torch propagates it).
 *       Nothing is clipped.
 *   <li>The scale and shift (s, t) minimise {@code Σ_valid (s·pred + t − gt)²} and are fitted in the
 *       space the maps are in. EgoTune's maps are normalised inverse depth (as EgoDTM's labels), so the
 *       fit, and every metric, is on inverse depth, never converted to depth. When the system is
 *       singular (no valid pixel, or every valid prediction equal) s = 1, t = 0. Ours: singularity is
 *       tested as "all valid predictions equal" rather than Probe3D's {@code det != 0} on a rounded
 *       float, and the fit is solved in centred form in double precision (the normal equations of
 *       B.7 have the same solution), so that a constant map does not yield a scale made of rounding.
 *   <li>Sums run in double precision (Probe3D: float32), so values may differ from a torch run in the
 *       7th digit.
 *   <li>AbsRel (ours, not in EgoDTM nor Probe3D): {@code Σ_valid |pred − gt| / gt / n}.
 * </ul>
 */
public final class DepthMetrics {

  /** The δ thresholds 1.25, 1.25², 1.25³. */
  static final double[] THRESHOLDS = {1.25, 1.25 * 1.25, 1.25 * 1.25 * 1.25};

  /** Probe3D's clamp on the ratio's denominators. */
  static final double RATIO_EPS = 1e-9;

  private DepthMetrics() {}

  /**
   * One image's metrics, or their mean over images.
   *
   * @param delta1 share of valid pixels within a ratio of 1.25
   * @param delta2 within 1.25²
   * @param delta3 within 1.25³
   * @param rmse root mean squared error over valid pixels
   * @param absRel mean of |pred − gt| / gt over valid pixels (not in EgoDTM)
   */
  public record Scores(double delta1, double delta2, double delta3, double rmse, double absRel) {
    public Scores {
      fraction("delta1", delta1);
      fraction("delta2", delta2);
      fraction("delta3", delta3);
      if (rmse < 0) {
        throw new IllegalArgumentException("rmse must be >= 0 or NaN, found " + rmse);
      }
      if (absRel < 0) {
        throw new IllegalArgumentException("absRel must be >= 0 or NaN, found " + absRel);
      }
    }

    private static void fraction(String name, double v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(name + " must be in [0, 1], found " + v);
      }
    }
  }

  /** The metrics of {@code pred} against {@code gt} as they are (one image, row-major, same length). */
  public static Scores scaleAware(float[] pred, float[] gt) {
    checkShapes(pred, gt);
    double[] p = new double[pred.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = pred[i];
    }
    return score(p, gt);
  }

  /** The metrics after fitting {@code s·pred + t} to {@code gt} over the valid pixels ({@link #scaleAndShift}). */
  public static Scores scaleInvariant(float[] pred, float[] gt) {
    checkShapes(pred, gt);
    double[] st = scaleAndShift(pred, gt);
    double[] p = new double[pred.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = st[0] * pred[i] + st[1];
    }
    return score(p, gt);
  }

  /**
   * {s, t} minimising {@code Σ_{gt>0} (s·pred + t − gt)²}; {1, 0} when there is no valid pixel or
   * every valid prediction is the same value (the normal equations are then singular).
   */
  public static double[] scaleAndShift(float[] pred, float[] gt) {
    checkShapes(pred, gt);
    int n = 0;
    double sp = 0;
    double sg = 0;
    boolean constant = true;
    float first = Float.NaN;
    for (int i = 0; i < gt.length; i++) {
      if (gt[i] > 0) {
        if (n == 0) {
          first = pred[i];
        } else if (Float.compare(pred[i], first) != 0) {
          constant = false;
        }
        n++;
        sp += pred[i];
        sg += gt[i];
      }
    }
    if (n == 0 || constant) {
      return new double[] {1.0, 0.0};
    }
    double mp = sp / n;
    double mg = sg / n;
    double cov = 0;
    double var = 0;
    for (int i = 0; i < gt.length; i++) {
      if (gt[i] > 0) {
        double dp = pred[i] - mp;
        cov += dp * (gt[i] - mg);
        var += dp * dp;
      }
    }
    double s = cov / var;
    return new double[] {s, mg - s * mp};
  }

  private static Scores score(double[] pred, float[] gt) {
    int valid = 0;
    int[] within = new int[THRESHOLDS.length];
    double sse = 0;
    double rel = 0;
    for (int i = 0; i < gt.length; i++) {
      double g = gt[i];
      if (!(g > 0)) {
        continue;
      }
      valid++;
      double p = pred[i];
      // Math.max keeps a NaN, as torch.clamp does, so a NaN prediction fails every threshold
      double ratio = Math.max(g / Math.max(p, RATIO_EPS), p / Math.max(g, RATIO_EPS));
      for (int k = 0; k < THRESHOLDS.length; k++) {
        if (ratio < THRESHOLDS[k]) {
          within[k]++;
        }
      }
      double d = g - p;
      sse += d * d;
      rel += Math.abs(d) / g;
    }
    double n = Math.max(1, valid);
    return new Scores(within[0] / n, within[1] / n, within[2] / n, Math.sqrt(sse / n), rel / n);
  }

  private static void checkShapes(float[] pred, float[] gt) {
    if (pred == null || gt == null) {
      throw new IllegalArgumentException("pred and gt must not be null");
    }
    if (pred.length != gt.length || gt.length == 0) {
      throw new IllegalArgumentException("pred and gt must have the same non-zero number of pixels,"
          + " found " + pred.length + " and " + gt.length);
    }
  }

  /**
   * Accumulates images and reports the mean of each metric over them, scale-aware and
   * scale-invariant: every image weighs the same (Probe3D's {@code image_average}).
   */
  public static final class Table {
    private final double[] aware = new double[5];
    private final double[] invariant = new double[5];
    private int images;
    private int empty;

    /** Adds one image (one frame's map). */
    public void add(float[] pred, float[] gt) {
      accumulate(aware, DepthMetrics.scaleAware(pred, gt));
      accumulate(invariant, DepthMetrics.scaleInvariant(pred, gt));
      images++;
      boolean any = false;
      for (float g : gt) {
        any |= g > 0;
      }
      if (!any) {
        empty++;
      }
    }

    private static void accumulate(double[] sums, Scores s) {
      sums[0] += s.delta1();
      sums[1] += s.delta2();
      sums[2] += s.delta3();
      sums[3] += s.rmse();
      sums[4] += s.absRel();
    }

    /** Images added so far. */
    public int images() {
      return images;
    }

    /** Images with no valid ground-truth pixel (scored δ = 0, RMSE = 0, as Probe3D does). */
    public int emptyImages() {
      return empty;
    }

    /** Mean scale-aware metrics over the images added. */
    public Scores scaleAware() {
      return mean(aware);
    }

    /** Mean scale-invariant metrics over the images added. */
    public Scores scaleInvariant() {
      return mean(invariant);
    }

    private Scores mean(double[] sums) {
      if (images == 0) {
        throw new IllegalStateException("no images added");
      }
      return new Scores(sums[0] / images, sums[1] / images, sums[2] / images, sums[3] / images,
          sums[4] / images);
    }

    /**
     * The means by name, e.g. {@code scale_aware.delta1}, {@code scale_invariant.rmse}, plus
     * {@code images} and {@code empty_images}: the keys a JSON report writes.
     */
    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      put(m, "scale_aware", scaleAware());
      put(m, "scale_invariant", scaleInvariant());
      m.put("images", (double) images);
      m.put("empty_images", (double) empty);
      return m;
    }

    private static void put(Map<String, Double> m, String prefix, Scores s) {
      m.put(prefix + ".delta1", s.delta1());
      m.put(prefix + ".delta2", s.delta2());
      m.put(prefix + ".delta3", s.delta3());
      m.put(prefix + ".rmse", s.rmse());
      m.put(prefix + ".abs_rel", s.absRel());
    }
  }
}
