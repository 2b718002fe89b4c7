package org.egotune.trainer.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.model.params.ParamTable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * An optimizer step that SameDiff's {@code fit} cannot take by itself: gradients of several
 * micro-batches averaged, the average clipped to a global L2 norm, then AdamW with its schedule.
 *
 * <p>{@code fit}'s training iteration ({@link org.egotune.model.Fitter}) still runs the forward and
 * backward passes (its memory handling is what makes full-size training possible, see
 * SAMEDIFF_NOTES.md), but each parameter's updater is replaced by
 * one that adds the gradient to a buffer and hands {@code fit} a zero update. {@link #apply} then
 * runs ND4J's own Adam updaters and {@link WeightDecay} on the buffers, exactly as {@code fit}'s
 * training session would: with one micro-batch and no clipping the parameters are bit-identical to
 * a plain {@code fit} (a test checks it). The optimizer state stays in the original updaters, so
 * its flat layout ({@link ParamTable}) does not change. Not thread-safe.
 */
public final class GradientStep {
  private final SameDiff sd;
  private final List<ParamTable.Entry> entries;
  private final Map<String, GradientUpdater<?>> adam = new LinkedHashMap<>();
  private final Map<String, INDArray> gradSum = new LinkedHashMap<>();
  /** Parameters that received a gradient in this step's micro-batches. */
  private final java.util.Set<String> touched = new java.util.HashSet<>();
  private final WeightDecay decay;
  private final double clipNorm;

  /**
   * Installs the capturing updaters on {@code sd}, whose training config (updater, no
   * regularisation) is set and whose optimizer state exists.
   *
   * @param weightDecay decoupled AdamW weight decay, scaled by the learning rate (0: none)
   * @param clipNorm largest global gradient norm (0: no clipping)
   */
  public GradientStep(SameDiff sd, ParamTable table, double weightDecay, double clipNorm) {
    this.sd = sd;
    this.entries = table.entries();
    this.decay = weightDecay > 0 ? new WeightDecay(weightDecay, true) : null;
    this.clipNorm = clipNorm;
    Map<String, ? super Capture> map = sd.getUpdaterMap();
    for (ParamTable.Entry e : entries) {
      GradientUpdater<?> real = (GradientUpdater<?>) map.get(e.name());
      if (real == null) {
        throw new IllegalStateException("no updater for parameter " + e.name());
      }
      INDArray buf = sd.getVariable(e.name()).getArr().ulike();
      buf.assign(0);
      adam.put(e.name(), real);
      gradSum.put(e.name(), buf);
      map.put(e.name(), new Capture(real, buf, touched, e.name()));
    }
  }

  /** Clears the gradient buffers before the first micro-batch of a step. */
  public void begin() {
    for (INDArray g : gradSum.values()) {
      g.assign(0);
    }
    touched.clear();
  }

  /**
   * Averages the {@code microBatches} captured gradients, clips them, and applies AdamW at
   * {@code iteration} to the parameters. Returns the global gradient norm before clipping.
   */
  public double apply(int iteration, int microBatches) {
    TrainingConfig tc = sd.getTrainingConfig();
    int epoch = tc.getEpochCount();
    if (microBatches > 1) {
      for (INDArray g : gradSum.values()) {
        g.muli(1.0 / microBatches);
      }
    }
    double sumSq = 0;
    for (INDArray g : gradSum.values()) {
      double n = g.norm2Number().doubleValue();
      sumSq += n * n;
    }
    double norm = Math.sqrt(sumSq);
    // As torch.nn.utils.clip_grad_norm_: scale by max / (norm + 1e-6) when that is below 1.
    if (clipNorm > 0 && norm > clipNorm) {
      double scale = clipNorm / (norm + 1e-6);
      for (INDArray g : gradSum.values()) {
        g.muli(scale);
      }
    }
    IUpdater updater = tc.getUpdater();
    double lr = updater.hasLearningRate() ? updater.getLearningRate(iteration, epoch) : 1.0;
    for (ParamTable.Entry e : entries) {
      if (!touched.contains(e.name())) {
        // No gradient reached it (e.g. the IoU head, which no loss term uses): like fit and like
        // PyTorch's AdamW with grad None, neither Adam nor the weight decay touches it.
        continue;
      }
      INDArray g = gradSum.get(e.name());
      INDArray param = sd.getVariable(e.name()).getArr();
      adam.get(e.name()).applyUpdater(g, iteration, epoch);
      if (decay != null) {
        decay.apply(param, g, lr, iteration, epoch);
      }
      param.subi(g);
    }
    return norm;
  }

  /** Stands in for a parameter's updater inside {@code fit}: keeps the gradient, updates nothing. */
  private static final class Capture implements GradientUpdater<IUpdater> {
    private final GradientUpdater<?> real;
    private final INDArray sum;
    private final java.util.Set<String> touched;
    private final String name;

    Capture(GradientUpdater<?> real, INDArray sum, java.util.Set<String> touched, String name) {
      this.real = real;
      this.sum = sum;
      this.touched = touched;
      this.name = name;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      touched.add(name);
      sum.addi(gradient);
      gradient.assign(0);
    }

    @Override
    public IUpdater getConfig() {
      return real.getConfig();
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
      real.setState(stateMap, initialize);
    }

    @Override
    public Map<String, INDArray> getState() {
      return real.getState();
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder,
        boolean initialize) {
      real.setStateViewArray(viewArray, gradientShape, gradientOrder, initialize);
    }
  }
}
