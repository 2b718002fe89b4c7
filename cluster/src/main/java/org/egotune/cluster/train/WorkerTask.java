package org.egotune.cluster.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.egotune.cluster.gpu.GpuAssignment;
import org.egotune.cluster.gpu.GpuBinding;
import org.egotune.cluster.spark.HadoopConfEntries;
import org.egotune.trainer.run.GroupResult;
import org.egotune.trainer.run.Placement;
import org.egotune.trainer.run.RoundInput;
import org.egotune.trainer.run.RunSpec;
import org.egotune.trainer.run.WorkerGroups;

/**
 * The work of one Spark task in one round: the task's GPUs (none on the CPU backend) as the
 * workers' placements, then {@link WorkerGroups#run} on this executor. The result is a pure function
 * of (round input, task index, run spec), so a task that Spark retries on another executor returns
 * exactly the same result.
 */
final class WorkerTask implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final RunSpec spec;
  /** The driver's Hadoop configuration, for opening shards (hdfs:///, spark.hadoop.* settings). */
  private final Broadcast<HadoopConfEntries> hadoopConf;

  /** Test seam: runs at the end of every task attempt (group, attempt number), before it returns. */
  interface AttemptHook {
    void afterTask(int group, int attempt) throws Exception;
  }

  static volatile AttemptHook attemptHook = (g, a) -> {};

  WorkerTask(RunSpec spec, Broadcast<HadoopConfEntries> hadoopConf) {
    this.spec = spec;
    this.hadoopConf = hadoopConf;
  }

  /** Runs task {@code group} of a round: its workers, then their partial sum. */
  GroupResult runGroup(int group, Broadcast<RoundInput> round) {
    long t0 = System.nanoTime();
    // GPU scheduling: the task holds one GPU per worker (none on the CPU backend); each worker's
    // thread binds to its own. Read on the task's thread: Spark's task context is per thread.
    List<GpuAssignment> gpus = GpuBinding.currentTask(spec.workersPerTask());
    List<Placement> placements = new ArrayList<>(gpus.size());
    for (GpuAssignment g : gpus) {
      placements.add(placement(g));
    }
    RoundInput in = round.value();
    GroupResult result = WorkerGroups.run(spec, group, in, placements,
        () -> hadoopConf.value().toConfiguration(), t0);
    TaskContext tc = TaskContext.get();
    try {
      attemptHook.afterTask(group, tc == null ? 0 : tc.attemptNumber());
    } catch (Exception e) {
      throw new IllegalStateException("task " + group + ": " + e.getMessage(), e);
    }
    return result;
  }

  /** A GPU assignment as the run sees it: binds the worker's thread, names its device in the cache key. */
  static Placement placement(GpuAssignment gpu) {
    return new Placement() {
      @Override
      public void bindThread() {
        GpuBinding.bindThread(gpu);
      }

      @Override
      public String cacheTag() {
        return gpu.device().isPresent() ? "@gpu" + gpu.device().getAsInt() : "";
      }
    };
  }
}
