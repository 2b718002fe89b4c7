package org.egotune.trainer.loss;

import org.egotune.model.SegModel;
import org.egotune.trainer.config.TrainConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The recipe's loss, added to a model's graph: {@code maskBce * BCE(mask) + dice * Dice(mask on
 * present frames) + presence * BCE(presence)}. Cross-entropies are computed from logits in the
 * numerically stable form {@code max(x,0) - x*y + log(1 + exp(-|x|))}.
 */
public final class SegLoss {
  /** Placeholder for the soft mask target {@code [N, 1, M, M]} in [0, 1], M the model's mask size. */
  public static final String MASK_LABEL = "mask_label";
  /** Placeholder for the presence target {@code [N, 1]} in {0, 1}. */
  public static final String PRESENCE_LABEL = "presence_label";
  /** Name of the scalar loss variable. */
  public static final String LOSS = "loss";

  private SegLoss() {}

  /** Adds label placeholders and the loss to the model's graph; returns the loss variable. */
  public static SDVariable attach(SegModel model, TrainConfig cfg) {
    SameDiff sd = model.sameDiff();
    int s = model.config().maskSize();
    SDVariable maskLogits = sd.getVariable(SegModel.MASK_LOGITS);
    SDVariable presenceLogit = sd.getVariable(SegModel.PRESENCE_LOGIT);
    SDVariable maskY = sd.placeHolder(MASK_LABEL, DataType.FLOAT, -1, 1, s, s);
    SDVariable presY = sd.placeHolder(PRESENCE_LABEL, DataType.FLOAT, -1, 1);

    SDVariable bce = bceWithLogits(sd, maskLogits, maskY).mean();

    // Dice per frame, only where the target is present (an empty target has no overlap to learn).
    SDVariable p = sd.nn().sigmoid(maskLogits);
    SDVariable inter = p.mul(maskY).sum(1, 2, 3);
    SDVariable denom = p.sum(1, 2, 3).add(maskY.sum(1, 2, 3));
    SDVariable dicePerFrame = inter.mul(2.0).add(1.0).div(denom.add(1.0)).rsub(1.0);
    SDVariable present = presY.reshape(-1);
    SDVariable dice = dicePerFrame.mul(present).sum().div(present.sum().add(1e-6));

    SDVariable pres = bceWithLogits(sd, presenceLogit, presY).mean();

    SDVariable loss = bce.mul(cfg.maskBceWeight())
        .add(dice.mul(cfg.diceWeight()))
        .add(pres.mul(cfg.presenceWeight()));
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
