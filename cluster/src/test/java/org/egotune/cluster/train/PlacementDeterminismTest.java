package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.SparkConfig;
import org.egotune.cluster.spark.SparkRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reduction's result does not depend on placement: the same job (4 workers, 2 per task) gives
 * bit-identical parameters whether its tasks run one at a time (local[1]) or concurrently with the
 * first task finishing last and another task failing and being retried (local[3] with retries).
 */
class PlacementDeterminismTest {
  @TempDir static Path tmp;
  static String shards;

  /** Generates and prepares the tiny datasets once, in the first session. */
  static void data(SparkSession spark) throws Exception {
    if (shards != null) {
      return;
    }
    shards = TinyJob.prepareData(spark, tmp);
  }

  @AfterEach
  void noHook() {
    WorkerTask.attemptHook = (g, a) -> {};
  }

  /** Trains the job (4 workers, the given workers per task) once per entry of {@code perTask}. */
  static float[][] train(String master, String name, int... perTask) throws Exception {
    SparkSession spark = SparkRuntime.session("placement-" + name, master);
    try {
      data(spark);
      float[][] out = new float[perTask.length][];
      for (int i = 0; i < perTask.length; i++) {
        // 2 rounds of 1 step: the second round starts from the first round's average
        JobConfig base = TinyJob.of(shards, tmp.resolve(name + perTask[i]).toString(), 2, 1, 2, 2);
        JobConfig job = base.toBuilder().set(JobConfig.SPARK, SparkConfig.builder().set(SparkConfig.MASTER, master)
            .set(SparkConfig.WORKERS, 4).set(SparkConfig.AVERAGING_EVERY, 1)
            .set(SparkConfig.WORKERS_PER_TASK, perTask[i]).build()).build();
        out[i] = new DistributedTrainer(job, spark.sparkContext().hadoopConfiguration()).run(spark, false).params();
      }
      return out;
    } finally {
      spark.stop();
    }
  }

  @Test
  void sameParametersWhateverThePlacementAndAfterRetries() throws Exception {
    float[][] one = train("local[1]", "serial", 2, 1);
    float[] serial = one[0];
    float[] serialFlat = one[1];

    AtomicInteger failures = new AtomicInteger();
    WorkerTask.attemptHook = (group, attempt) -> {
      if (group == 0) {
        Thread.sleep(150); // the first task's result arrives last
      }
      if (group == 1 && attempt == 0) {
        failures.incrementAndGet();
        throw new IllegalStateException("injected failure of task 1's first attempt");
      }
    };
    // local[N,F]: N task threads, F attempts per task
    float[][] three = train("local[3,3]", "shuffled", 2, 1);
    float[] shuffled = three[0];
    float[] shuffledFlat = three[1];
    assertEquals(4, failures.get(), "task 1 failed once in each of the 2 rounds of both runs");

    assertArrayEquals(serial, shuffled, "2 workers per task: placement, timing and retries must not change a bit");
    assertArrayEquals(serialFlat, shuffledFlat, "1 worker per task: the same");
    double maxDiff = 0;
    for (int i = 0; i < serial.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(serial[i] - serialFlat[i]));
    }
    // The summation tree changes only rounding: two rounds later the parameters still agree closely.
    assertTrue(maxDiff < 1e-4, "two-level vs flat differ by " + maxDiff);
  }
}
