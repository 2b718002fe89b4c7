package org.egotune.trainer.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one expression's predicted masks against its ground truth exactly as EgoMask's reference
 * scorer does (IoU_all = J, IoU_gold, IoU_gold_with_pred, DAVIS boundary F, temporal metrics).
 *
 * <p>Reference behaviour reproduced, and the documented decisions where the reference crashes or
 * returns NaN:
 *
 * <ul>
 *   <li><b>Frames.</b> Only the names in the video's frame list are scored, in list order; keys of
 *       either dict outside that list are ignored (not even size-checked). A name listed twice is
 *       scored twice, as the reference iterates the list. An empty frame list, or a null name in it,
 *       is rejected with {@link IllegalArgumentException} (the reference would return NaN for every
 *       metric).
 *   <li><b>Missing masks.</b> A frame missing from a dict, a key whose value is null and an all-zero
 *       mask are all the same empty {@code height x width} mask for IoU, F and the temporal metrics.
 *       This holds for a null value on the first listed frame too, where the reference crashes. A
 *       non-null mask of another size is rejected with {@link IllegalArgumentException}.
 *   <li><b>Per-frame IoU</b> = |G and P| / |G or P|, and 1.0 when the union is empty; IoU_all (J) is
 *       the mean over all frames of the list.
 *   <li><b>Selections.</b> IoU_gold averages the frames that are <i>keys</i> of the ground-truth dict
 *       (a null value or an empty mask still counts); IoU_gold_with_pred averages the frames that are
 *       keys of the ground-truth dict or of the prediction dict (a prediction key with a null or
 *       empty mask still counts).
 *   <li><b>Stale IoU.</b> On a selected frame whose union is empty, the reference does not append
 *       1.0 but the IoU of the most recent earlier frame of the list (any frame, selected or not)
 *       whose union was non-empty; that value can be 0. Reproduced. Where no earlier frame had a
 *       non-empty union the reference reads an unset variable and crashes; we append 1.0 instead.
 *   <li><b>Empty selection.</b> If no frame is selected (e.g. no ground-truth key lies in the frame
 *       list) the reference's mean is NaN; the metric is NaN here too, and {@link MetricTable} skips
 *       it in the dataset mean and reports the count.
 *   <li><b>Boundary F</b> is the DAVIS toolkit's {@code f_measure}: boundaries by {@code seg2bmap}
 *       (which never marks the image border, so a full-frame mask has an empty boundary), tolerance
 *       radius {@code ceil(0.008 * sqrt(H^2 + W^2))}, dilation by skimage's {@code disk}. Both
 *       boundaries empty gives 1 (so an empty versus a full-frame mask scores F = 1 though its IoU is
 *       0, as in the reference); exactly one empty gives 0; precision + recall = 0 gives 0. F is the
 *       mean over all frames of the list.
 *   <li><b>Temporal.</b> A frame is "present" when its mask is non-empty, for the ground truth and the
 *       prediction separately (key membership does not matter here). Precision and recall are 0 when
 *       their denominator is 0, F1 is 0 when precision + recall = 0, accuracy = (TP + TN) / frames. So
 *       an expression whose target is never present and never predicted scores precision = recall =
 *       F1 = 0 and accuracy = 1, as in the reference.
 *   <li><b>Arithmetic.</b> Means are plain sums in list order divided by the count; IoU is the double
 *       quotient of the integer areas, as in Python.
 * </ul>
 */
public final class EgoMaskScorer {
  private static final Logger LOG = LoggerFactory.getLogger(EgoMaskScorer.class);

  /** DAVIS {@code f_measure}'s default {@code bound_th}: a fraction of the image diagonal. */
  static final double BOUNDARY_TOLERANCE_FRACTION = 0.008;

  private EgoMaskScorer() {}

  /**
   * Scores one expression; see the class documentation for every edge case.
   *
   * @param frames the video's frame list (meta_expressions {@code "frames"}), in order
   * @param gold ground-truth dict: frame name to mask; a null value means annotated but absent
   * @param pred prediction dict: frame name to mask; null values and empty masks are allowed
   * @param height frame height in pixels
   * @param width frame width in pixels
   * @throws IllegalArgumentException on an empty frame list, a null frame name, a non-positive size
   *     or a mask whose size is not {@code height x width}
   */
  public static ExpressionScore score(
      List<String> frames, Map<String, Mask> gold, Map<String, Mask> pred, int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "frame size must be positive, found height=" + height + " width=" + width);
    }
    if (frames == null || frames.isEmpty()) {
      throw new IllegalArgumentException("frames must be a non-empty list, found " + frames);
    }
    if (gold == null || pred == null) {
      throw new IllegalArgumentException(
          "gold and pred dicts must not be null (use an empty map), found gold="
              + (gold == null ? "null" : "a map")
              + " pred="
              + (pred == null ? "null" : "a map"));
    }
    Boundaries boundaries = new Boundaries(height, width);
    int n = frames.size();

    double sumAll = 0.0;
    double sumF = 0.0;
    double sumGold = 0.0;
    int nGold = 0;
    double sumGoldWithPred = 0.0;
    int nGoldWithPred = 0;
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int tn = 0;
    // The reference's loop variable: IoU of the last frame with a non-empty union.
    double lastIou = 0.0;
    boolean haveLastIou = false;
    int staleFallbacks = 0;

    for (int i = 0; i < n; i++) {
      String frame = frames.get(i);
      if (frame == null) {
        throw new IllegalArgumentException("frame name at index " + i + " is null");
      }
      boolean[] g = pixels(gold.get(frame), frame, "ground-truth", height, width);
      boolean[] p = pixels(pred.get(frame), frame, "prediction", height, width);

      long areaG = 0;
      long areaP = 0;
      long inter = 0;
      if (g != null && p != null) {
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
      } else {
        areaG = count(g);
        areaP = count(p);
      }
      long union = areaG + areaP - inter;

      double iou;
      double selectedIou;
      if (union > 0) {
        iou = (double) inter / (double) union;
        lastIou = iou;
        haveLastIou = true;
        selectedIou = iou;
      } else {
        iou = 1.0;
        if (haveLastIou) {
          selectedIou = lastIou;
        } else {
          selectedIou = 1.0;
          staleFallbacks++;
        }
      }
      sumAll += iou;

      boolean goldKey = gold.containsKey(frame);
      if (goldKey) {
        sumGold += selectedIou;
        nGold++;
      }
      if (goldKey || pred.containsKey(frame)) {
        sumGoldWithPred += selectedIou;
        nGoldWithPred++;
      }

      sumF += boundaries.fMeasure(areaP > 0 ? p : null, areaG > 0 ? g : null);

      boolean goldPresent = areaG > 0;
      boolean predPresent = areaP > 0;
      if (goldPresent && predPresent) {
        tp++;
      } else if (predPresent) {
        fp++;
      } else if (goldPresent) {
        fn++;
      } else {
        tn++;
      }
    }

    if (staleFallbacks > 0) {
      LOG.debug(
          "{} selected frame(s) had an empty union before any non-empty one; used IoU 1.0 where the"
              + " reference scorer would crash",
          staleFallbacks);
    }
    if (nGold == 0) {
      LOG.debug("no ground-truth key among the {} listed frames: IoU_gold is NaN", n);
    }

    double precision = tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0.0 : (double) tp / (tp + fn);
    double f1 = precision + recall == 0.0 ? 0.0 : 2 * precision * recall / (precision + recall);
    double accuracy = (double) (tp + tn) / n;

    return new ExpressionScore(
        sumAll / n,
        nGold == 0 ? Double.NaN : sumGold / nGold,
        nGoldWithPred == 0 ? Double.NaN : sumGoldWithPred / nGoldWithPred,
        sumF / n,
        precision,
        recall,
        f1,
        accuracy,
        n);
  }

  /**
   * Scores one expression whose masks are COCO RLEs, decoding only the listed frames; same rules as
   * {@link #score(List, Map, Map, int, int)} (a null RLE is an empty mask).
   */
  public static ExpressionScore scoreRle(
      List<String> frames, Map<String, Rle> gold, Map<String, Rle> pred, int height, int width) {
    if (frames == null || gold == null || pred == null) {
      throw new IllegalArgumentException("frames, gold and pred must not be null");
    }
    return score(frames, decodeListed(frames, gold), decodeListed(frames, pred), height, width);
  }

  /** Decodes the listed frames only, keeping keys whose value is null (key membership matters). */
  private static Map<String, Mask> decodeListed(List<String> frames, Map<String, Rle> rles) {
    Map<String, Mask> out = new HashMap<>();
    for (String frame : frames) {
      if (frame != null && rles.containsKey(frame) && !out.containsKey(frame)) {
        Rle rle = rles.get(frame);
        out.put(frame, rle == null ? null : rle.decode());
      }
    }
    return out;
  }

  /** DAVIS tolerance radius {@code ceil(0.008 * ||(H, W)||)}, computed with numpy's arithmetic. */
  static int toleranceRadius(int height, int width) {
    double diagonal = Math.sqrt((double) height * height + (double) width * width);
    return (int) Math.ceil(BOUNDARY_TOLERANCE_FRACTION * diagonal);
  }

  /**
   * DAVIS {@code seg2bmap} on a row-major mask: a pixel is on the boundary when it differs from its
   * right, lower or lower-right neighbour (neighbours outside the image count as background), except
   * that the last row only compares with the right neighbour, the last column only with the lower
   * one, and the bottom-right pixel is never a boundary.
   */
  static boolean[] boundaryMap(boolean[] seg, int height, int width) {
    boolean[] b = new boolean[height * width];
    boundaryInto(seg, height, width, b);
    return b;
  }

  /** Writes {@code seg2bmap(seg)} into {@code b} and returns its number of boundary pixels. */
  static int boundaryInto(boolean[] seg, int height, int width, boolean[] b) {
    int count = 0;
    int lastRow = height - 1;
    int lastCol = width - 1;
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        int k = row + x;
        boolean s = seg[k];
        boolean v;
        if (y < lastRow && x < lastCol) {
          v = (s ^ seg[k + 1]) | (s ^ seg[k + width]) | (s ^ seg[k + width + 1]);
        } else if (y == lastRow && x < lastCol) {
          v = s ^ seg[k + 1];
        } else if (x == lastCol && y < lastRow) {
          v = s ^ seg[k + width];
        } else {
          v = false;
        }
        b[k] = v;
        if (v) {
          count++;
        }
      }
    }
    return count;
  }

  private static boolean[] pixels(Mask mask, String frame, String which, int height, int width) {
    if (mask == null) {
      return null;
    }
    if (mask.height() != height || mask.width() != width) {
      throw new IllegalArgumentException(
          which
              + " mask of frame '"
              + frame
              + "' is "
              + mask.height()
              + "x"
              + mask.width()
              + ", expected "
              + height
              + "x"
              + width);
    }
    return mask.rowMajor();
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

  /**
   * Per-expression workspace for the boundary F-measure, reused across frames so a frame costs a few
   * linear passes and no allocation.
   *
   * <p>Dilation by the disk is never materialised: a pixel lies in the dilated boundary iff some row
   * {@code dy} of the disk, whose half-width is {@code half[|dy|]}, has a boundary pixel within that
   * horizontal distance. So each boundary map gets one per-row "distance to the nearest boundary pixel"
   * pass (linear in pixels), and each query pixel checks {@code 2r+1} rows. Only boundary pixels are
   * queried, so the work is linear in pixels whatever the boundary length.
   */
  static final class Boundaries {
    private final int height;
    private final int width;
    private final int radius;
    // half[d] = the largest k with k^2 + d^2 <= r^2: skimage disk(r) row widths, exactly in integers.
    private final int[] half;
    private boolean[] fgBoundary;
    private boolean[] gtBoundary;
    private int[] fgDistance;
    private int[] gtDistance;

    Boundaries(int height, int width) {
      this.height = height;
      this.width = width;
      this.radius = toleranceRadius(height, width);
      this.half = diskHalfWidths(radius);
    }

    /**
     * DAVIS {@code f_measure(foreground, gt)}; null stands for an empty mask (whose boundary is
     * empty, which skips the boundary pass).
     */
    double fMeasure(boolean[] foreground, boolean[] gt) {
      int nFg = 0;
      int nGt = 0;
      if (foreground != null) {
        fgBoundary = ensure(fgBoundary);
        nFg = boundaryInto(foreground, height, width, fgBoundary);
      }
      if (gt != null) {
        gtBoundary = ensure(gtBoundary);
        nGt = boundaryInto(gt, height, width, gtBoundary);
      }
      if (nFg == 0 && nGt == 0) {
        return 1.0;
      }
      if (nFg == 0 || nGt == 0) {
        // DAVIS sets (P, R) = (1, 0) or (0, 1): F = 0.
        return 0.0;
      }
      fgDistance = ensure(fgDistance);
      gtDistance = ensure(gtDistance);
      rowDistances(fgBoundary, fgDistance);
      rowDistances(gtBoundary, gtDistance);
      long fgMatch = matches(fgBoundary, gtDistance);
      long gtMatch = matches(gtBoundary, fgDistance);
      double precision = (double) fgMatch / nFg;
      double recall = (double) gtMatch / nGt;
      if (precision + recall == 0.0) {
        return 0.0;
      }
      return 2 * precision * recall / (precision + recall);
    }

    /** Number of pixels of {@code boundary} that lie in the disk dilation of the other map. */
    private long matches(boolean[] boundary, int[] otherDistance) {
      long n = 0;
      for (int y = 0; y < height; y++) {
        int row = y * width;
        for (int x = 0; x < width; x++) {
          if (boundary[row + x] && inDilation(otherDistance, y, x)) {
            n++;
          }
        }
      }
      return n;
    }

    /** Pixels outside the image add nothing, as OpenCV's dilate with its default border. */
    boolean inDilation(int[] distance, int y, int x) {
      int y0 = Math.max(0, y - radius);
      int y1 = Math.min(height - 1, y + radius);
      for (int yy = y0; yy <= y1; yy++) {
        if (distance[yy * width + x] <= half[Math.abs(yy - y)]) {
          return true;
        }
      }
      return false;
    }

    /** Per row, the horizontal distance to the nearest boundary pixel, capped at radius + 1. */
    private void rowDistances(boolean[] boundary, int[] distance) {
      int cap = radius + 1;
      for (int y = 0; y < height; y++) {
        int row = y * width;
        int d = cap;
        for (int x = 0; x < width; x++) {
          d = boundary[row + x] ? 0 : Math.min(cap, d + 1);
          distance[row + x] = d;
        }
        d = cap;
        for (int x = width - 1; x >= 0; x--) {
          d = boundary[row + x] ? 0 : Math.min(cap, d + 1);
          if (d < distance[row + x]) {
            distance[row + x] = d;
          }
        }
      }
    }

    private boolean[] ensure(boolean[] a) {
      return a != null ? a : new boolean[height * width];
    }

    private int[] ensure(int[] a) {
      return a != null ? a : new int[height * width];
    }
  }

  /** Row half-widths of skimage's {@code disk(r)}: offsets (dy, dx) with dx^2 + dy^2 <= r^2. */
  static int[] diskHalfWidths(int radius) {
    int[] half = new int[radius + 1];
    long r2 = (long) radius * radius;
    for (int d = 0; d <= radius; d++) {
      int k = 0;
      while ((long) (k + 1) * (k + 1) + (long) d * d <= r2) {
        k++;
      }
      half[d] = k;
    }
    return half;
  }
}
