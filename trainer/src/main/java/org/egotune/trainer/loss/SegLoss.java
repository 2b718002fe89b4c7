package org.egotune.trainer.loss;

import java.util.List;
import org.egotune.model.SegModel;
import org.egotune.trainer.config.TrainConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The recipe's loss, added to a model's graph: {@code maskBce * BCE(mask) + dice * Dice(mask on
 * present frames) + presence * BCE(presence)}. Cross-entropies are computed from logits in the
 * numerically stable form {@code max(x,0) - x*y + log(1 + exp(-|x|))}.
 *
 * <p>The mask terms are either dense (every pixel) or, when {@code train.pointSamples} is K > 0, on K
 * points per frame that {@link PointSampler} chose: then {@link PointLoss} computes them and their
 * gradient in Java, and the graph holds {@code sum(mask_logits * }{@value #MASK_GRAD}{@code )},
 * whose gradient is exactly theirs (its value is not the loss). The Dice mean is divided by the fed
 * {@value #DICE_COUNT} rather than by the micro-batch's own count of present frames, so that the
 * average of k micro-batch losses is exactly the loss of their union (gradient accumulation).
 */
public final class SegLoss {
  /** Placeholder for the soft mask target {@code [N, 1, M, M]} in [0, 1], M the model's mask size (dense loss only). */
  public static final String MASK_LABEL = "mask_label";
  /** Placeholder for the presence target {@code [N, 1]} in {0, 1}. */
  public static final String PRESENCE_LABEL = "presence_label";
  /** Placeholder, scalar: the Dice sum is divided by it (see {@link #diceCount}; dense loss only). */
  public static final String DICE_COUNT = "dice_count";
  /** Placeholder {@code [N, 1, S, S]}: the point loss's gradient per mask logit (point loss only). */
  public static final String MASK_GRAD = "mask_grad";
  /** Name of the scalar loss variable. */
  public static final String LOSS = "loss";

  private SegLoss() {}

  /** The label placeholders the loss of {@code cfg} reads, in the order the trainer feeds them. */
  public static List<String> labels(TrainConfig cfg) {
    return cfg.pointSamples() > 0
        ? List.of(PRESENCE_LABEL, MASK_GRAD)
        : List.of(PRESENCE_LABEL, DICE_COUNT, MASK_LABEL);
  }

  /**
   * The value to feed as {@value #DICE_COUNT} for one of {@code microBatches} equal parts of a step
   * whose frames hold {@code presentFrames} present targets: the Dice term is then the mean over
   * the whole step's present frames, however the step is split. The 1e-6 keeps a step without a
   * present frame finite (its Dice sum is 0).
   */
  public static float diceCount(double presentFrames, int microBatches) {
    return (float) ((presentFrames + 1e-6) / microBatches);
  }

  /** Adds label placeholders and the loss to the model's graph; returns the loss variable. */
  public static SDVariable attach(SegModel model, TrainConfig cfg) {
    SameDiff sd = model.sameDiff();
    int s = model.config().maskSize();
    SDVariable maskLogits = sd.getVariable(SegModel.MASK_LOGITS);
    SDVariable presenceLogit = sd.getVariable(SegModel.PRESENCE_LOGIT);
    SDVariable presY = sd.placeHolder(PRESENCE_LABEL, DataType.FLOAT, -1, 1);

    SDVariable mask;
    if (cfg.pointSamples() > 0) {
      SDVariable grad = sd.placeHolder(MASK_GRAD, DataType.FLOAT, -1, 1, s, s);
      mask = maskLogits.mul(grad).sum();
    } else {
      SDVariable y = sd.placeHolder(MASK_LABEL, DataType.FLOAT, -1, 1, s, s);
      SDVariable diceCount = sd.placeHolder(DICE_COUNT, DataType.FLOAT);
      SDVariable bce = bceWithLogits(sd, maskLogits, y).mean();
      // Dice per frame, only where the target is present (an empty target has no overlap to learn).
      SDVariable p = sd.nn().sigmoid(maskLogits);
      SDVariable inter = p.mul(y).sum(1, 2, 3);
      SDVariable denom = p.sum(1, 2, 3).add(y.sum(1, 2, 3));
      SDVariable dicePerFrame = inter.mul(2.0).add(1.0).div(denom.add(1.0)).rsub(1.0);
      SDVariable present = presY.reshape(-1);
      SDVariable dice = dicePerFrame.mul(present).sum().div(diceCount);
      mask = bce.mul(cfg.maskBceWeight()).add(dice.mul(cfg.diceWeight()));
    }

    SDVariable pres = bceWithLogits(sd, presenceLogit, presY).mean();

    SDVariable loss = mask.add(pres.mul(cfg.presenceWeight()));
    loss.rename(LOSS);
    sd.setLossVariables(LOSS);
    return loss;
  }

  private static SDVariable bceWithLogits(SameDiff sd, SDVariable x, SDVariable y) {
    SDVariable relu = sd.nn().relu(x, 0.0);
    SDVariable softplusNegAbs = sd.math().log1p(sd.math().exp(sd.math().abs(x).neg()));
    return relu.sub(x.mul(y)).add(softplusNegAbs);
  }
}
