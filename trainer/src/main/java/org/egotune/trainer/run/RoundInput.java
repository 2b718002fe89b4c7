package org.egotune.trainer.run;

import org.egotune.mixer.mix.RatioMixer;

/**
 * What every worker starts a round from: the averaged parameters and optimizer state, the optimizer
 * iteration, the first step of the round, how many steps each worker takes in it, and the global
 * sample position the round starts at. Positions are counted over the whole run, so a run resumed
 * on another number of workers continues the same sequence where it stopped.
 */
public record RoundInput(float[] params, float[] optimizer, int iteration, int firstStep, int steps,
    long firstPosition) implements java.io.Serializable {

  public RoundInput {
    if (steps < 1 || firstStep < 0 || firstPosition < 0) {
      throw new IllegalArgumentException("round: steps must be >= 1 and firstStep, firstPosition >= 0;"
          + " found steps " + steps + ", firstStep " + firstStep + ", firstPosition " + firstPosition);
    }
  }

  /**
   * The first global position worker {@code worker} of {@code workers} reads at local step
   * {@code s} of this round ({@link RatioMixer#workerStart} from {@code firstPosition}): step s
   * covers {@code W*B} positions from {@code firstPosition + s*W*B}, worker w the contiguous slice
   * of {@code B} from {@code + w*B}.
   */
  public long position(int s, int worker, int workers, int batchSize) {
    return RatioMixer.workerStart(firstPosition, s, worker, workers, batchSize);
  }
}
