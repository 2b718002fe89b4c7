package org.egotune.trainer.config;

/**
 * How the job runs on Spark.
 *
 * @param master Spark master URL; {@code local[2]} trains two workers in this JVM
 * @param workers number of data-parallel workers
 * @param averagingEvery optimizer steps each worker takes between two parameter averagings (k)
 * @param averageOptimizerState whether Adam's moments are averaged too (else worker 0's are kept)
 * @param workersPerTask workers run by one Spark task, which sums their results before they leave
 *     the executor (the node-level stage of the two-level reduction); set it to the GPUs of a node
 *     (with {@code spark.task.cpus} and {@code spark.task.resource.gpu.amount} equal to it) so that
 *     one task holds a whole node. 1 is the flat reduction: one task per worker, all summed on the
 *     driver. Part of the job like {@code workers}: it fixes the summation tree, so changing it
 *     changes the last bits of the result (placement never does).
 */
public record SparkConfig(String master, int workers, int averagingEvery, boolean averageOptimizerState,
    int workersPerTask) implements java.io.Serializable {

  /** One worker per task (the flat reduction). */
  public SparkConfig(String master, int workers, int averagingEvery, boolean averageOptimizerState) {
    this(master, workers, averagingEvery, averageOptimizerState, 1);
  }

  public SparkConfig {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("spark.master must be a Spark master URL, found '" + master + "'");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("spark.workers must be >= 1, found " + workers);
    }
    if (averagingEvery < 1) {
      throw new IllegalArgumentException("spark.averagingEvery must be >= 1, found " + averagingEvery);
    }
    if (workersPerTask < 1 || workers % workersPerTask != 0) {
      throw new IllegalArgumentException("spark.workersPerTask must be >= 1 and divide spark.workers ("
          + workers + "), found " + workersPerTask);
    }
  }

  /** Spark tasks per round: {@code workers / workersPerTask}. */
  public int tasks() {
    return workers / workersPerTask;
  }

  static SparkConfig defaults() {
    return new SparkConfig("local[2]", 2, 5, true, 1);
  }
}
