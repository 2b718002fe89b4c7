package org.egotune.model.depth;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * EgoDTM's depth loss (shared/NVOS_AND_DEPTH.md B.4): the mean squared error between the predicted and
 * the target inverse depth in [0, 1], over every pixel of every frame of the batch. The release's loss
 * code is not public; "mse1" in its config name and the logged values are the evidence for a mean.
 * With deep supervision, the MSE of each earlier prediction ({@link DepthHead#auxDepth}) is added with
 * the same weight, as Mask2Former adds its auxiliary losses; it is off by default because the release
 * does not show whether its {@code aux_outputs} were supervised.
 */
public final class DepthLoss {
  /** Placeholder: target inverse depth [B, T, 4g, 4g] in [0, 1]. */
  public static final String DEPTH_TARGET = "depth_target";
  /** The loss variable's name. */
  public static final String LOSS = "depth_loss";

  private DepthLoss() {}

  /**
   * Adds the {@value #DEPTH_TARGET} placeholder and the loss {@value #LOSS} (a scalar) to a graph that
   * holds the decoder's outputs; returns the loss. The caller marks it as a loss variable (or adds it
   * to another loss first).
   */
  public static SDVariable attach(SameDiff sd, DepthHeadConfig config, boolean deepSupervision) {
    int s = config.outSize();
    SDVariable target = sd.placeHolder(DEPTH_TARGET, DataType.FLOAT, -1, config.frames(), s, s);
    SDVariable loss = null;
    for (String name : DepthHead.predictionNames(config)) {
      if (!deepSupervision && !DepthHead.DEPTH.equals(name)) {
        continue;
      }
      SDVariable d = sd.getVariable(name).sub(target);
      SDVariable mse = d.mul(d).mean();
      loss = loss == null ? mse : loss.add(mse);
    }
    return sd.identity(LOSS, loss);
  }
}
