package org.egotune.trainer.run;

/**
 * What one worker returns from a round: its parameters and optimizer state after its local steps,
 * the samples it trained on (the averaging weight) and the loss of its first batch of the round
 * (before that step's update), {@code lossSteps} = 1 such measurement. A worker that met bad input
 * (a damaged shard, feature shard or frame) returns {@link #badInput} instead: a deterministic
 * failure that no retry can fix, reported to the driver as a value rather than a failed task.
 *
 * @param badInput what was wrong, naming the file (null when the worker trained)
 */
public record WorkerResult(int worker, long samples, double lossSum, int lossSteps, float[] params,
    float[] optimizer, String badInput) implements java.io.Serializable {

  /** A worker that trained. */
  public WorkerResult(int worker, long samples, double lossSum, int lossSteps, float[] params,
      float[] optimizer) {
    this(worker, samples, lossSum, lossSteps, params, optimizer, null);
  }

  /** A worker that stopped at bad input. */
  static WorkerResult badInput(int worker, String problem) {
    return new WorkerResult(worker, 0, 0, 0, new float[0], new float[0], problem);
  }
}
