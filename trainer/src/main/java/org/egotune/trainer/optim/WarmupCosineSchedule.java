package org.egotune.trainer.optim;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate with linear warm-up and cosine decay, as the recipes use: from {@code lr / warmup}
 * at step 1 up to {@code lr} at step {@code warmup}, then down along a half cosine to
 * {@code lr * finalRatio} at step {@code total}, flat after that. A pure function of the optimizer
 * iteration, so a resumed run (which restores the iteration) continues on the same curve. ND4J
 * serialises it with the training config (its shaded Jackson), hence the annotations.
 */
public final class WarmupCosineSchedule implements ISchedule {
  private static final long serialVersionUID = 1L;

  private final double lr;
  private final int warmup;
  private final int total;
  private final double finalRatio;

  public WarmupCosineSchedule(
      @JsonProperty("lr") double lr,
      @JsonProperty("warmup") int warmup,
      @JsonProperty("total") int total,
      @JsonProperty("finalRatio") double finalRatio) {
    if (!(lr > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, found " + lr);
    }
    if (warmup < 0 || total < 1 || warmup > total) {
      throw new IllegalArgumentException(
          "need 0 <= warmup <= total and total >= 1, found warmup=" + warmup + " total=" + total);
    }
    if (!(finalRatio >= 0 && finalRatio <= 1)) {
      throw new IllegalArgumentException("finalRatio must be in [0, 1], found " + finalRatio);
    }
    this.lr = lr;
    this.warmup = warmup;
    this.total = total;
    this.finalRatio = finalRatio;
  }

  /** The rate for optimizer iteration {@code iteration} (0-based: the first step uses 0). */
  @Override
  public double valueAt(int iteration, int epoch) {
    int step = iteration + 1;
    if (step <= warmup) {
      return lr * step / warmup;
    }
    if (step >= total) {
      return lr * finalRatio;
    }
    double progress = (double) (step - warmup) / (total - warmup);
    double cosine = 0.5 * (1 + StrictMath.cos(StrictMath.PI * progress));
    return lr * (finalRatio + (1 - finalRatio) * cosine);
  }

  @Override
  public ISchedule clone() {
    return new WarmupCosineSchedule(lr, warmup, total, finalRatio);
  }

  @JsonProperty("lr")
  public double lr() {
    return lr;
  }

  @JsonProperty("warmup")
  public int warmup() {
    return warmup;
  }

  @JsonProperty("total")
  public int total() {
    return total;
  }

  @JsonProperty("finalRatio")
  public double finalRatio() {
    return finalRatio;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarmupCosineSchedule s && s.lr == lr && s.warmup == warmup && s.total == total
        && s.finalRatio == finalRatio;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(lr, warmup, total, finalRatio);
  }

  @Override
  public String toString() {
    return "WarmupCosineSchedule[lr=" + lr + ", warmup=" + warmup + ", total=" + total
        + ", finalRatio=" + finalRatio + "]";
  }
}
