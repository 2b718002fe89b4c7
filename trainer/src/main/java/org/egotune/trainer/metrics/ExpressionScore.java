package org.egotune.trainer.metrics;

/**
 * The EgoMask metrics of one expression, each a fraction in [0, 1] (not yet x100), or NaN where the
 * metric's frame selection was empty.
 *
 * @param iouAll J: mean per-frame IoU over every frame of the video's frame list
 * @param iouGold mean IoU over frames that are keys of the ground-truth dict (stale rule applies)
 * @param iouGoldWithPred mean IoU over frames that are keys of the ground-truth or prediction dict
 *     (stale rule applies); the paper's headline number
 * @param boundaryF F: mean DAVIS boundary F-measure over every frame of the list
 * @param tPrecision temporal precision of "target present in this frame"
 * @param tRecall temporal recall
 * @param tF1 temporal F1
 * @param tAccuracy temporal accuracy over every frame
 * @param frames number of frames scored (length of the frame list)
 */
public record ExpressionScore(
    double iouAll,
    double iouGold,
    double iouGoldWithPred,
    double boundaryF,
    double tPrecision,
    double tRecall,
    double tF1,
    double tAccuracy,
    int frames) {

  public ExpressionScore {
    if (frames <= 0) {
      throw new IllegalArgumentException("frames must be positive, found " + frames);
    }
    check("iouAll", iouAll);
    check("iouGold", iouGold);
    check("iouGoldWithPred", iouGoldWithPred);
    check("boundaryF", boundaryF);
    check("tPrecision", tPrecision);
    check("tRecall", tRecall);
    check("tF1", tF1);
    check("tAccuracy", tAccuracy);
  }

  private static void check(String name, double v) {
    // NaN is a legitimate "selection was empty" marker; anything else must be a fraction.
    if (!Double.isNaN(v) && (v < 0.0 || v > 1.0)) {
      throw new IllegalArgumentException(name + " must be in [0, 1] or NaN, found " + v);
    }
  }
}
