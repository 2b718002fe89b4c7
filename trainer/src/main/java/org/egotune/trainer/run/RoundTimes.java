package org.egotune.trainer.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where one training round's wall time went, in seconds; the parts add up to {@code total}.
 *
 * @param broadcast the driver creating (and afterwards destroying) the round's broadcast, plus the
 *     slowest task's read of it (fetch and deserialization on its executor)
 * @param compute the slowest task's training: its workers' local steps, data loading and the one
 *     forward pass per round for the reported loss
 * @param reduce the slowest task's in-task sum of its workers' results plus the driver's sum of the
 *     tasks' partial sums and the division
 * @param scheduling the rest of the Spark job: task launch, closure and result (de)serialization,
 *     the results' transfer to the driver
 * @param update everything else on the driver: the NaN check, metrics, progress lines and writing
 *     the previous round's {@code metrics.jsonl}
 * @param checkpoint writing the checkpoint (0 in rounds without one)
 * @param total the round's wall time on the driver
 */
public record RoundTimes(double broadcast, double compute, double reduce, double scheduling,
    double update, double checkpoint, double total) {
  public RoundTimes {
    double[] parts = {broadcast, compute, reduce, scheduling, update, checkpoint, total};
    String[] names = {"broadcast", "compute", "reduce", "scheduling", "update", "checkpoint", "total"};
    for (int i = 0; i < parts.length; i++) {
      if (!(parts[i] >= 0) || !Double.isFinite(parts[i])) {
        throw new IllegalArgumentException("round time " + names[i] + " must be a finite number >= 0,"
            + " found " + parts[i]);
      }
    }
  }

  /** The share of the round not spent training: {@code 1 - compute / total}. */
  public double overheadShare() {
    return total == 0 ? 0 : 1 - compute / total;
  }

  /**
   * Splits a round measured on the driver and in its tasks (durations in nanoseconds). Compute is
   * the time during which at least one task was training (the union of their training intervals),
   * so tasks that ran in several waves because there were fewer slots than tasks count once each,
   * and tasks that ran side by side count once together. The update part is what the other parts
   * leave of the total, so that they add up exactly.
   */
  static RoundTimes of(long driverBroadcast, long jobWall, List<GroupResult.TaskTiming> tasks,
      long driverReduce, long checkpoint, long total) {
    long fetch = tasks.stream().mapToLong(GroupResult.TaskTiming::fetchNanos).max().orElse(0);
    long inTaskReduce = tasks.stream().mapToLong(GroupResult.TaskTiming::reduceNanos).max().orElse(0);
    double compute = Math.min(unionMicros(tasks) * 1e3, jobWall) / 1e9;
    double broadcast = (driverBroadcast + fetch) / 1e9;
    double reduce = (inTaskReduce + driverReduce) / 1e9;
    double scheduling = Math.max(0, jobWall / 1e9 - compute - fetch / 1e9 - inTaskReduce / 1e9);
    double ckpt = checkpoint / 1e9;
    double tot = total / 1e9;
    double update = Math.max(0, tot - broadcast - compute - reduce - scheduling - ckpt);
    return new RoundTimes(broadcast, compute, reduce, scheduling, update, ckpt,
        Math.max(tot, broadcast + compute + reduce + scheduling + ckpt));
  }

  /** The length of the union of the tasks' training intervals, in microseconds. */
  static long unionMicros(List<GroupResult.TaskTiming> tasks) {
    List<GroupResult.TaskTiming> byStart = new ArrayList<>(tasks);
    byStart.sort(Comparator.comparingLong(GroupResult.TaskTiming::computeStartMicros));
    long sum = 0;
    long curStart = Long.MIN_VALUE;
    long curEnd = Long.MIN_VALUE;
    for (GroupResult.TaskTiming t : byStart) {
      if (t.computeStartMicros() > curEnd) {
        sum += curEnd - curStart;
        curStart = t.computeStartMicros();
        curEnd = t.computeEndMicros();
      } else {
        curEnd = Math.max(curEnd, t.computeEndMicros());
      }
    }
    return sum + (curEnd - curStart);
  }
}
