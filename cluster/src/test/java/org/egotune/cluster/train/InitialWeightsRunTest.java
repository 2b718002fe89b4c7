package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with model.weights = another seed's initialisation trains exactly like a run seeded with
 * that seed (every worker started from the file), records the file in the checkpoint's meta, a
 * file of the wrong shapes stops the run before training, naming the file, and a resumed run ends
 * where the uninterrupted one does.
 */
class InitialWeightsRunTest {
  @TempDir static Path tmp;
  static SparkSession spark;
  static String shards;
  static Configuration conf;
  /** The job's model (TinyJob's), whose seed and widths the files below vary. */
  static ModelConfig m;

  @BeforeAll
  static void data() throws Exception {
    spark = SparkRuntime.session("initial-weights", "local[2]");
    shards = TinyJob.prepareData(spark, tmp);
    conf = spark.sparkContext().hadoopConfiguration();
    m = TinyJob.of("x", "y", 1, 1, 1, 1).model();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static JobConfig withModel(JobConfig b, ModelConfig m) {
    return b.toBuilder().set(JobConfig.MODEL, m).build();
  }

  @Test
  void everyWorkerStartsFromTheFile() throws Exception {
    ModelConfig seeded99 = m.toBuilder().set(ModelConfig.INIT_SEED, 99L).build();
    Path file = tmp.resolve("init99.safetensors");
    SegModel.build(seeded99).saveSafetensors(file, Map.of());

    JobConfig viaSeed = withModel(TinyJob.of(shards, tmp.resolve("a").toString(), 1, 1, 1, 1), seeded99);
    JobConfig base = TinyJob.of(shards, tmp.resolve("b").toString(), 1, 1, 1, 1);
    JobConfig viaFile = withModel(base, m.toBuilder().set(ModelConfig.WEIGHTS, file.toString()).build());
    float[] a = new DistributedTrainer(viaSeed, conf).run(spark, false).params();
    var outcome = new DistributedTrainer(viaFile, conf).run(spark, false);
    JobConfig plainJob = TinyJob.of(shards, tmp.resolve("p").toString(), 1, 1, 1, 1);
    float[] plain = new DistributedTrainer(plainJob, conf).run(spark, false).params();
    assertArrayEquals(a, outcome.params(), "started from the file = started from seed 99");
    assertFalse(java.util.Arrays.equals(a, plain), "the file changed the start");

    JsonNode meta = new CheckpointStore(conf, new org.apache.hadoop.fs.Path(tmp.resolve("b").toUri()), 1)
        .load(outcome.lastCheckpoint()).meta();
    assertEquals(file.toString(), meta.path("initialWeights").path("file").asText());
    assertEquals(CheckpointStore.sha256(java.nio.file.Files.readAllBytes(file)),
        meta.path("initialWeights").path("sha256").asText());
    // The export holds the file's positional-encoding buffer too (a graph constant, not a parameter).
    Path export = tmp.resolve("export");
    org.egotune.trainer.export.Exporter.export(conf, outcome.lastCheckpoint(),
        new org.apache.hadoop.fs.Path(export.toUri()), Map.of(), false,
        java.util.EnumSet.of(org.egotune.trainer.export.Exporter.Format.SAFETENSORS));
    String pe = org.egotune.model.sam2.Sam2Decoder.positionalEncodingKey();
    assertEquals(org.egotune.model.io.Safetensors.read(file).tensors().get(pe),
        org.egotune.model.io.Safetensors.read(export.resolve("model.safetensors")).tensors().get(pe));

    Path narrow = tmp.resolve("narrow.safetensors");
    SegModel.build(m.toBuilder().set(ModelConfig.CHANNELS, 8).set(ModelConfig.INIT_SEED, 1L).build()).saveSafetensors(narrow, Map.of());
    JobConfig bad = withModel(TinyJob.of(shards, tmp.resolve("c").toString(), 1, 1, 1, 1),
        m.toBuilder().set(ModelConfig.WEIGHTS, narrow.toString()).build());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DistributedTrainer(bad, conf).run(spark, false));
    assertTrue(e.getMessage().startsWith("model.weights: " + narrow), e.getMessage());
  }

  @Test
  void aRunStartedFromWeightsResumesBitForBit() throws Exception {
    // Another seed's model: its parameters and its positional-encoding buffer (a graph constant
    // that checkpoints carry in their meta, not in the flat parameters) differ from seed 5's.
    Path file = tmp.resolve("init77.safetensors");
    SegModel.build(m.toBuilder().set(ModelConfig.INIT_SEED, 77L).build())
        .saveSafetensors(file, Map.of());
    ModelConfig fromFile = m.toBuilder().set(ModelConfig.WEIGHTS, file.toString()).build();

    float[] whole = new DistributedTrainer(
        withModel(TinyJob.of(shards, tmp.resolve("whole").toString(), 4, 1, 1, 5), fromFile), conf)
        .run(spark, false).params();
    String half = tmp.resolve("half").toString();
    new DistributedTrainer(withModel(TinyJob.of(shards, half, 2, 1, 1, 5), fromFile), conf).run(spark, false);
    float[] resumed = new DistributedTrainer(withModel(TinyJob.of(shards, half, 4, 1, 1, 5), fromFile), conf)
        .run(spark, true).params();
    assertArrayEquals(whole, resumed, "stopped after 2 steps and resumed to 4 = 4 steps at once");

    // The same resume with the buffer of the default seed instead of the file's would not agree:
    // a run that never saw the file ends elsewhere, so the comparison above can fail.
    float[] plain = new DistributedTrainer(TinyJob.of(shards, tmp.resolve("plain").toString(), 4, 1, 1, 5), conf)
        .run(spark, false).params();
    assertFalse(java.util.Arrays.equals(whole, plain), "the file changed the run");
  }
}
