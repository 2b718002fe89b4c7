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
    BoundaryF boundaries = new BoundaryF(height, width);
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

      FrameOverlap overlap = FrameOverlap.of(g, p);
      long areaG = overlap.areaG();
      long areaP = overlap.areaP();

      double iou = overlap.iou();
      double selectedIou;
      if (overlap.union() > 0) {
        lastIou = iou;
        haveLastIou = true;
        selectedIou = iou;
      } else if (haveLastIou) {
        selectedIou = lastIou;
      } else {
        selectedIou = 1.0;
        staleFallbacks++;
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
}
