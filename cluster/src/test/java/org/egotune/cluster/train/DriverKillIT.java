package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.cli.EgoTuneCli;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver dies: {@code egotune train} in a child JVM (Spark local mode) is SIGKILLed while it
 * writes a checkpoint, and the resumed run ends bit for bit where the uninterrupted run does (both
 * in this JVM, through what {@code train --resume} calls: a second Spark JVM would double the
 * test's time and prove nothing more, the two processes already differ). And a checkpoint damaged on disk: resume refuses it by
 * checksum, falls back to the previous one, and still ends bit for bit on the same parameters.
 */
@Tag("slow")
class DriverKillIT {
  static final int STEPS = 8;

  @TempDir static Path tmp;
  static SparkSession spark;
  static String shards;
  static float[] uninterrupted;

  @BeforeAll
  static void data() throws Exception {
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 6, 4, 32, 32), tmp.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 4, 4, 32, 32), tmp.resolve("exo"));
    spark = SparkRuntime.session("driver-kill-it", "local[2]");
    shards = tmp.resolve("shards").toString();
    PrepareJob.run(spark, "egomask-train", tmp.resolve("ego"), shards, null, 4, false);
    PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), shards, null, 4, false);
    uninterrupted = train("reference", STEPS, false);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Two local steps a round, a checkpoint every round, three kept. */
  static JobConfig job(String ckpt, int steps) {
    return TinyJob.of(shards, tmp.resolve(ckpt).toString(), steps, 2, 1, 3);
  }

  static float[] train(String ckpt, int steps, boolean resume) {
    return new DistributedTrainer(job(ckpt, steps), spark.sparkContext().hadoopConfiguration())
        .run(spark, resume).params();
  }

  static CheckpointStore store(String ckpt) {
    return new CheckpointStore(new Configuration(), new org.apache.hadoop.fs.Path(tmp.resolve(ckpt).toUri()), 3);
  }

  @Test
  void driverKilledWhileCheckpointingResumesBitForBit() throws Exception {
    Path config = Files.writeString(tmp.resolve("job.yaml"), ConfigLoader.toYaml(job("killed", STEPS)));
    Path ckpt = tmp.resolve("killed");
    Path log = tmp.resolve("train.log");
    Process p = ChildJvm.start(log, EgoTuneCli.class, List.of("train", "--config", config.toString()));
    boolean torn;
    try {
      // Once step 2 is safely written, kill the driver as soon as the next checkpoint write starts.
      long deadline = System.nanoTime() + 150_000_000_000L;
      while (!Files.exists(ckpt.resolve("step-00000002/meta.json.sha256")) || !writing(ckpt)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          fail("the training run never reached its second checkpoint:\n" + ChildJvm.tail(log));
        }
        Thread.onSpinWait();
      }
    } finally {
      ChildJvm.kill(p);
    }
    torn = writing(ckpt);
    assertFalse(Files.exists(ckpt.resolve(String.format("step-%08d", STEPS))), "killed before the end");
    int resumedFrom = store("killed").loadLatest().orElseThrow().step();
    assertTrue(resumedFrom >= 2, "the checkpoint of step 2 or a later one is chosen: " + resumedFrom);

    float[] resumed = train("killed", STEPS, true);
    assertEquals(STEPS, store("killed").loadLatest().orElseThrow().step());
    assertArrayEquals(uninterrupted, resumed,
        "train --resume after SIGKILL must end exactly where the uninterrupted run does");
    assertFalse(writing(ckpt), "resume removes the torn write");
    System.out.printf("DriverKillIT: driver killed %s a checkpoint write; resumed from step %d%n",
        torn ? "inside" : "just after", resumedFrom);
  }

  @Test
  void aCorruptNewestCheckpointIsRefusedAndResumeFallsBackBitForBit() throws Exception {
    train("damaged", 6, false);
    Path params = tmp.resolve("damaged/step-00000006/optimizer.f32");
    try (RandomAccessFile raf = new RandomAccessFile(params.toFile(), "rw")) {
      raf.seek(raf.length() / 3);
      int b = raf.read();
      raf.seek(raf.length() / 3);
      raf.write(b ^ 0x10);
    }
    Files.delete(params.resolveSibling(".optimizer.f32.crc"));

    float[] resumed = train("damaged", STEPS, true);
    assertArrayEquals(uninterrupted, resumed, "falling back to step 4 must still end bit for bit");
    try (Stream<Path> s = Files.list(tmp.resolve("damaged"))) {
      assertTrue(s.anyMatch(x -> x.getFileName().toString().startsWith("_corrupt.step-00000006.")),
          "the damaged checkpoint is kept aside for inspection");
    }
  }

  private static boolean writing(Path ckpt) throws Exception {
    if (!Files.isDirectory(ckpt)) {
      return false;
    }
    try (Stream<Path> s = Files.list(ckpt)) {
      return s.anyMatch(x -> x.getFileName().toString().startsWith("_tmp.step-"));
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }
}
