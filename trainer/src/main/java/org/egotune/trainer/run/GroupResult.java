package org.egotune.trainer.run;

/**
 * What one Spark task returns from a round: the node-level partial sums of its workers (workers
 * {@code firstWorker .. firstWorker + workers - 1}), added in worker order in double precision.
 *
 * @param group the task's index; the driver adds groups in this order
 * @param samples samples the group's workers trained on (the sum of the averaging weights)
 * @param lossSum sum of the workers' first-batch losses
 * @param lossSteps how many losses {@code lossSum} adds
 * @param paramSum sum over the workers of samples x parameters; null for a single-worker task,
 *     which ships its float parameters instead ({@code single}) at half the bytes
 * @param optimizerLength the optimizer state's length (checked across tasks even when not averaged)
 * @param optimizerSum sum over the workers of samples x optimizer state; null when the optimizer
 *     state is not averaged or the task has a single worker
 * @param keptOptimizer worker 0's optimizer state when it is not averaged (group 0 only), else null
 * @param single a single-worker task's own result (the driver forms the exact double products
 *     {@code samples x value} itself, so the sum is the same), else null
 * @param timing where the task spent its time
 * @param badInput the first bad input one of its workers met, naming the file (null: none); such a
 *     result carries no sums
 */
public record GroupResult(int group, int firstWorker, int workers, long samples, double lossSum,
    int lossSteps, double[] paramSum, int optimizerLength, double[] optimizerSum, float[] keptOptimizer,
    WorkerResult single, TaskTiming timing, String badInput)
    implements java.io.Serializable {

  GroupResult(int group, int firstWorker, int workers, long samples, double lossSum, int lossSteps,
      double[] paramSum, int optimizerLength, double[] optimizerSum, float[] keptOptimizer,
      WorkerResult single, TaskTiming timing) {
    this(group, firstWorker, workers, samples, lossSum, lossSteps, paramSum, optimizerLength,
        optimizerSum, keptOptimizer, single, timing, null);
  }

  /** The number of parameters. */
  int paramLength() {
    return single != null ? single.params().length : paramSum.length;
  }

  /** Which workers, for messages. */
  String describe() {
    return "task " + group + " (from worker " + firstWorker + ", " + workers + " worker(s))";
  }

  /** The same result with the task's timing. */
  GroupResult withTiming(TaskTiming t) {
    return new GroupResult(group, firstWorker, workers, samples, lossSum, lossSteps, paramSum,
        optimizerLength, optimizerSum, keptOptimizer, single, t, badInput);
  }

  /**
   * Nanoseconds a task spent reading the broadcast round input, training (until its slowest worker
   * finished, data loading included), summing its workers' results, and in all; and when training
   * started and ended (wall clock, microseconds since the epoch), so the driver can tell tasks that
   * trained at the same time from tasks that waited for a free slot.
   */
  public record TaskTiming(long fetchNanos, long computeNanos, long reduceNanos, long totalNanos,
      long computeStartMicros, long computeEndMicros) implements java.io.Serializable {}
}
