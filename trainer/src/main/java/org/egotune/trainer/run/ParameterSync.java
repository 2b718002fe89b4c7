package org.egotune.trainer.run;

import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * How a {@link TrainingRun} gets its workers' rounds done: the seam between the run (data order,
 * resume, checkpoints, the divergence guard, validation, the run log) and where the workers live.
 * {@link InProcessSync} runs every worker in this JVM; the cluster module runs them as Spark tasks.
 * Either way each group of workers runs {@link WorkerGroups#run} and the run adds the groups in
 * order ({@link Reduction}), so the result depends only on the job, never on the implementation.
 */
public interface ParameterSync extends AutoCloseable {

  /** Called once before the first round; {@code conf} opens the shards. */
  void start(RunSpec spec, Configuration conf);

  /** Runs one round on every group of workers and returns their results in group order. */
  Round round(RoundInput in);

  /** Releases what {@link #start} set up (cached workers, broadcasts); called once, also on failure. */
  @Override
  void close();

  /**
   * One round's group results, in group order, and the driver-side time: {@code distributeNanos}
   * shipping the round's state out and cleaning up after it, {@code computeNanos} from submitting the
   * groups until the last result was back.
   */
  record Round(List<GroupResult> groups, long distributeNanos, long computeNanos) {
    public Round {
      groups = List.copyOf(groups);
    }
  }
}
