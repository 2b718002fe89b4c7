package org.egotune.cluster.train;

import org.egotune.trainer.run.RunLog;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.SparkConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.trainer.config.TrainConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed training is deterministic: two runs of the same job give the same parameters bit for
 * bit, and a run stopped half way and resumed from its checkpoint ends exactly where the
 * uninterrupted run does (CPU backend).
 */
@Tag("slow")
class DistributedTrainerIT {
  @TempDir static Path tmp;
  static SparkSession spark;
  static String shards;

  @BeforeAll
  static void data() throws Exception {
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 6, 4, 32, 32), tmp.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 4, 4, 32, 32), tmp.resolve("exo"));
    spark = SparkRuntime.session("dt-it", "local[2]");
    shards = tmp.resolve("shards").toString();
    PrepareJob.run(spark, "egomask-train", tmp.resolve("ego"), shards, null, 4, false);
    PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), shards, null, 4, false);
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, 5, 3, 4, 32, 32), tmp.resolve("bench"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static JobConfig job(String ckpt, int steps) {
    return TinyJob.of(shards, ckpt, steps, 3, 2, 5);
  }

  float[] train(String ckpt, int steps, boolean resume) {
    return new DistributedTrainer(job(tmp.resolve(ckpt).toString(), steps), spark.sparkContext().hadoopConfiguration())
        .run(spark, resume).params();
  }

  @Test
  void sameJobSameParametersAndResumeIsBitIdentical() {
    float[] a = train("a", 12, false);
    float[] b = train("b", 12, false);
    assertArrayEquals(a, b, "two runs of the same job must agree bit for bit");

    float[] init = new DistributedTrainer(job(tmp.resolve("z").toString(), 1), spark.sparkContext().hadoopConfiguration())
        .run(spark, false).params();
    assertFalse(java.util.Arrays.equals(a, init), "training must change the parameters");

    // Stop after 6 steps (2 rounds of k=3), then resume to 12: same as the uninterrupted run.
    train("c", 6, false);
    float[] resumed = train("c", 12, true);
    assertArrayEquals(a, resumed, "resume from step 6 must end exactly where the uninterrupted run does");
  }

  /**
   * The tiny job with point sampling, clipping, accumulation and validation every 3 steps, at a
   * constant learning rate (so the 3-step job is the 6-step job interrupted).
   */
  static JobConfig fullRecipe(String ckpt, int steps) {
    JobConfig j = TinyJob.of(shards, ckpt, steps, 3, 1, 5);
    TrainConfig r = j.train().toBuilder().set(TrainConfig.STEPS, steps).set(TrainConfig.BATCH_SIZE, 4)
        .set(TrainConfig.WARMUP_STEPS, 0).set(TrainConfig.FINAL_LR_RATIO, 1.0).set(TrainConfig.POINT_SAMPLES, 48)
        .set(TrainConfig.GRAD_CLIP_NORM, 0.5).set(TrainConfig.GRAD_ACCUMULATION, 2).set(TrainConfig.EVAL_EVERY, 3)
        .build();
    return j.toBuilder()
        .set(JobConfig.DATA, j.data().toBuilder().set(DataConfig.BENCHMARK, tmp.resolve("bench").toString()).build())
        .set(JobConfig.TRAIN, r).build();
  }

  @Test
  void pointsClippingAccumulationAndValidationResumeBitIdentically() throws Exception {
    var conf = spark.sparkContext().hadoopConfiguration();
    float[] whole = new DistributedTrainer(fullRecipe(tmp.resolve("r1").toString(), 6), conf)
        .run(spark, false).params();
    new DistributedTrainer(fullRecipe(tmp.resolve("r2").toString(), 3), conf).run(spark, false);
    float[] resumed = new DistributedTrainer(fullRecipe(tmp.resolve("r2").toString(), 6), conf)
        .run(spark, true).params();
    assertArrayEquals(whole, resumed, "resume with the whole recipe must be bit-identical");
    List<String> lines = java.nio.file.Files.readAllLines(tmp.resolve("r1").resolve(RunLog.FILE));
    assertEquals(2, lines.size());
    for (String line : lines) {
      JsonNode v = new ObjectMapper().readTree(line).get("validation");
      assertEquals(10, v.size(), "every EgoMask metric: " + line);
      assertTrue(v.get("IoU_gold_with_pred").asDouble() >= 0, line);
    }
    assertTrue(java.nio.file.Files.size(tmp.resolve("r1").resolve(RunLog.VALIDATION_PLOT)) > 1000);
    // The last validation travels in the checkpoint's meta (the export card shows it).
    JsonNode meta = new org.egotune.trainer.checkpoint.CheckpointStore(conf,
        new org.apache.hadoop.fs.Path(tmp.resolve("r1").toString()), 1).loadLatest().orElseThrow().meta();
    assertEquals(6, meta.path("lastValidation").path("step").asInt(), meta.toString());
    assertEquals(10, meta.path("lastValidation").path("metrics").size(), meta.toString());
  }

  /** The same job in one JVM without Spark ({@code spark.master: none}) and as Spark tasks. */
  @Test
  void withoutSparkTheParametersEqualSparksBitForBit() {
    var conf = spark.sparkContext().hadoopConfiguration();
    for (int workers : new int[] {1, 2}) {
      JobConfig j = job(tmp.resolve("ns-" + workers).toString(), 3);
      SparkConfig layout = j.spark().toBuilder().set(SparkConfig.WORKERS, workers)
          .set(SparkConfig.AVERAGING_EVERY, 2).build();
      JobConfig onSpark = j.toBuilder()
          .set(JobConfig.SPARK, layout.toBuilder().set(SparkConfig.MASTER, "local[1]").build()).build();
      JobConfig noSpark = j.toBuilder()
          .set(JobConfig.SPARK, layout.toBuilder().set(SparkConfig.MASTER, "none").build())
          .set(JobConfig.CHECKPOINT, j.checkpoint().toBuilder()
              .set(CheckpointConfig.DIR, tmp.resolve("ns-none-" + workers).toString()).build())
          .build();
      float[] a = new DistributedTrainer(onSpark, conf).run(spark, false).params();
      float[] b = new DistributedTrainer(noSpark, conf).run(null, false).params();
      assertArrayEquals(a, b, workers + " worker(s)");
    }
  }

  /**
   * An elastic resume through Spark (4 workers in 2 tasks, then 2 workers with another k, then 3
   * workers in one task) ends with the parameters of the same sequence run without Spark, whose
   * data order ElasticResumeTest (trainer) checks position by position: Spark's tasks read the same
   * global positions.
   */
  @Test
  void anElasticResumeOnSparkFollowsTheSameOrderAsWithoutSpark() {
    var conf = spark.sparkContext().hadoopConfiguration();
    int[][] legs = {{2, 4, 2, 2}, {5, 2, 1, 3}, {7, 3, 3, 1}}; // steps, workers, per task, k
    float[][] out = new float[2][];
    for (int path = 0; path < 2; path++) {
      String ckpt = tmp.resolve("elastic-" + path).toString();
      for (int i = 0; i < legs.length; i++) {
        int[] l = legs[i];
        JobConfig j = job(ckpt, l[0]);
        JobConfig leg = j.toBuilder().set(JobConfig.SPARK, j.spark().toBuilder()
            .set(SparkConfig.MASTER, path == 0 ? "local[2]" : "none").set(SparkConfig.WORKERS, l[1])
            .set(SparkConfig.WORKERS_PER_TASK, l[2]).set(SparkConfig.AVERAGING_EVERY, l[3]).build()).build();
        out[path] = new DistributedTrainer(leg, conf).run(path == 0 ? spark : null, i > 0).params();
      }
    }
    assertArrayEquals(out[1], out[0]);
  }

  @Test
  void refusesToTrainOverAnExistingRunWithoutResume() {
    train("d", 3, false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> train("d", 6, false));
    assertEquals(true, e.getMessage().contains("--resume"), e.getMessage());
  }
}
