package org.egotune.cluster.config;

/**
 * How the job runs on Spark.
 *
 * @param master Spark master URL; {@code local[2]} trains two workers in this JVM
 * @param workers number of data-parallel workers (one Spark task each per round)
 * @param averagingEvery optimizer steps each worker takes between two parameter averagings (k)
 * @param averageOptimizerState whether Adam's moments are averaged too (else worker 0's are kept)
 */
public record SparkConfig(String master, int workers, int averagingEvery, boolean averageOptimizerState)
    implements java.io.Serializable {

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
  }

  static SparkConfig defaults() {
    return new SparkConfig("local[2]", 2, 5, true);
  }
}
