package org.egotune.trainer.config;

import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;

/**
 * How the job runs on Spark. Each field's key, meaning, default and valid range is its
 * {@link Param} below.
 */
public record SparkConfig(String master, int workers, int averagingEvery, boolean averageOptimizerState,
    int workersPerTask) implements java.io.Serializable {

  /** The {@code spark} section's fields. */
  public static final Schema<SparkConfig> SCHEMA = new Schema<>("spark", SparkConfig.class);
  public static final Param<String> MASTER = SCHEMA.param("master", "local[2]",
      Range.nonBlank("a Spark master URL, or none"), "--master",
      "Spark master; `local[2]` trains two workers in this JVM; `none` (train only) trains every worker in"
          + " this JVM without Spark, with the same parameters as any Spark master; ignored when"
          + " spark-submit sets the master");
  public static final Param<Integer> WORKERS = SCHEMA.param("workers", 2, Range.atLeast(1), "--workers",
      "data-parallel workers");
  public static final Param<Integer> AVERAGING_EVERY = SCHEMA.param("averagingEvery", 5, Range.atLeast(1),
      "--averaging-every", "local optimizer steps each worker takes between two parameter averagings (k)");
  public static final Param<Boolean> AVERAGE_OPTIMIZER_STATE = SCHEMA.param("averageOptimizerState", true,
      Range.any(), "", "average Adam's moments too (else keep worker 0's)");
  public static final Param<Integer> WORKERS_PER_TASK = SCHEMA.param("workersPerTask", 1, Range.atLeast(1),
      "--workers-per-task",
      "workers one Spark task runs and sums before its result leaves the executor (it must divide"
          + " `spark.workers`): the GPUs of a node (8) on multi-GPU nodes, with `spark.task.cpus` and"
          + " `spark.task.resource.gpu.amount` equal to it; 1 for the flat reduction. It fixes the"
          + " summation tree, so changing it changes the last bits of the result (placement never does;"
          + " docs/cluster.md, \"Two-level reduction\")");

  public SparkConfig {
    master = MASTER.check(master);
    WORKERS.check(workers);
    AVERAGING_EVERY.check(averagingEvery);
    WORKERS_PER_TASK.check(workersPerTask);
    if (workers % workersPerTask != 0) {
      throw new IllegalArgumentException("spark.workersPerTask must divide spark.workers ("
          + workers + "), found " + workersPerTask);
    }
  }

  /** A builder holding the defaults. */
  public static Schema.Builder<SparkConfig> builder() {
    return SCHEMA.builder();
  }

  /** A builder holding this config's values. */
  public Schema.Builder<SparkConfig> toBuilder() {
    return SCHEMA.builder(this);
  }

  static SparkConfig defaults() {
    return builder().build();
  }
}
