package org.egotune.cluster.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.spark.HadoopConfEntries;
import org.egotune.trainer.run.GroupResult;
import org.egotune.trainer.run.ParameterSync;
import org.egotune.trainer.run.RoundInput;
import org.egotune.trainer.run.RunSpec;
import org.egotune.trainer.run.WorkerGroups;

/**
 * A round as Spark runs it: the driver broadcasts the round's state, one task per group of
 * {@code spark.workersPerTask} workers trains on an executor and returns its partial sum, the
 * driver collects the results, destroys the broadcast and hands them back in task order for the
 * run to add ({@code docs/architecture.md}, "The training round").
 */
public final class SparkSync implements ParameterSync {
  private final SparkSession spark;
  private JavaSparkContext jsc;
  private Broadcast<HadoopConfEntries> hadoopConf;
  private WorkerTask task;
  private List<Integer> taskIds;
  private RunSpec spec;

  public SparkSync(SparkSession spark) {
    this.spark = spark;
  }

  @Override
  public void start(RunSpec spec, Configuration conf) {
    this.spec = spec;
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    hadoopConf = jsc.broadcast(HadoopConfEntries.of(conf));
    task = new WorkerTask(spec, hadoopConf);
    taskIds = IntStream.range(0, spec.groups()).boxed().toList();
  }

  @Override
  public Round round(RoundInput in) {
    long a = System.nanoTime();
    Broadcast<RoundInput> bc = jsc.broadcast(in);
    long b = System.nanoTime();
    WorkerTask t = task;
    List<GroupResult> results = new ArrayList<>(jsc.parallelize(taskIds, taskIds.size())
        .map(g -> t.runGroup(g, bc))
        .collect());
    long c = System.nanoTime();
    bc.destroy();
    long d = System.nanoTime();
    results.sort(Comparator.comparingInt(GroupResult::group));
    return new Round(results, (b - a) + (d - c), c - b);
  }

  @Override
  public void close() {
    if (spec != null) {
      // Local mode: the executors are this JVM; on a cluster the executors end with the application.
      WorkerGroups.release(spec.runId());
    }
    if (hadoopConf != null) {
      hadoopConf.destroy();
    }
  }
}
