package org.egotune.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, then the config file, then command-line overrides; errors name the file and key. */
class ConfigLoaderTest {
  @TempDir Path tmp;

  private Path write(String name, String content) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  private static void assertMessageContains(Throwable t, String... parts) {
    String msg = String.valueOf(t.getMessage());
    for (String p : parts) {
      assertTrue(msg.contains(p), "expected the message to contain '" + p + "', was: " + msg);
    }
  }

  @Test
  void noFileGivesDefaults() {
    JobConfig cfg = ConfigLoader.load(null, Map.of());
    JobConfig d = JobConfig.defaults();
    assertEquals(d, cfg, "with no file and no overrides the loaded config must equal the defaults");
    assertEquals(300, cfg.train().steps(), "default train.steps");
    assertEquals(Map.of("egomask-train", 0.8, "ref-youtube-vos", 0.2), cfg.data().mix(), "default data.mix");
    assertEquals("local[2]", cfg.spark().master(), "default spark.master");
    assertEquals(2, cfg.spark().workers(), "default spark.workers");
  }

  @Test
  void partialFileKeepsEveryOtherDefault() throws Exception {
    Path f = write("job.yaml", "train:\n  steps: 17\ndata:\n  mix:\n    egomask-train: 1.0\n");
    JobConfig cfg = ConfigLoader.load(f, Map.of());
    JobConfig d = JobConfig.defaults();

    assertEquals(17, cfg.train().steps(), "train.steps from the file");
    assertEquals(d.train().toBuilder().set(TrainConfig.STEPS, 17).build(), cfg.train(),
        "every train field other than steps must keep its default");
    assertEquals(Map.of("egomask-train", 1.0), cfg.data().mix(), "data.mix from the file");
    assertEquals(d.data().shards(), cfg.data().shards(), "data.shards default kept");
    assertEquals(d.data().benchmark(), cfg.data().benchmark(), "data.benchmark default kept");
    assertEquals(d.data().split(), cfg.data().split(), "data.split default kept");
    assertEquals(d.model(), cfg.model(), "model section untouched");
    assertEquals(d.spark(), cfg.spark(), "spark section untouched");
    assertEquals(d.checkpoint(), cfg.checkpoint(), "checkpoint section untouched");
  }

  @Test
  void flagsBeatTheFile() throws Exception {
    Path f = write("job.yaml", "train:\n  steps: 17\n  seed: 5\nspark:\n  workers: 3\n");
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("train.steps", 9);
    o.put("spark.master", "local[4]");
    o.put("spark.workers", null); // an unset flag must not erase the file's value
    JobConfig cfg = ConfigLoader.load(f, o);
    assertEquals(9, cfg.train().steps(), "the train.steps override must beat the file");
    assertEquals("local[4]", cfg.spark().master(), "the spark.master override must beat the default");
    assertEquals(5L, cfg.train().seed(), "train.seed from the file (no override)");
    assertEquals(3, cfg.spark().workers(), "a null override must leave the file's spark.workers");
  }

  @Test
  void mixOverrideReplacesTheWholeMixture() {
    JobConfig cfg = ConfigLoader.load(null, Map.of("data.mix", Map.of("only", 1.0)));
    assertEquals(Map.of("only", 1.0), cfg.data().mix(), "a data.mix override replaces the mixture");
  }

  @Test
  void mixInFileReplacesTheDefaultMixture() throws Exception {
    Path f = write("job.yaml", "data:\n  mix:\n    ref-youtube-vos: 0.5\n    ref-davis: 0.5\n");
    JobConfig cfg = ConfigLoader.load(f, Map.of());
    assertEquals(Map.of("ref-youtube-vos", 0.5, "ref-davis", 0.5), cfg.data().mix(),
        "data.mix in a file must replace the default mixture, not merge into it");
    assertEquals(List.of("ref-youtube-vos", "ref-davis"), List.copyOf(cfg.data().mix().keySet()),
        "the mixture keeps the file's order");
  }

  @Test
  void unknownKeyInFileNamesFileAndKey() throws Exception {
    Path f = write("typo.yaml", "train:\n  stepz: 10\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, Map.of()));
    assertMessageContains(e, f.toString(), "train.stepz");
  }

  @Test
  void unknownTopLevelSectionNamesFileAndKey() throws Exception {
    Path f = write("typo.yaml", "trian:\n  steps: 10\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, Map.of()));
    assertMessageContains(e, f.toString(), "trian");
  }

  @Test
  void unknownOverrideKeyIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.load(null, Map.of("train.stepz", 3)));
    assertMessageContains(e, "train.stepz");
  }

  @Test
  void zeroWorkersFailsNamingTheField() throws Exception {
    Path f = write("bad.yaml", "spark:\n  workers: 0\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, Map.of()));
    assertMessageContains(e, "spark.workers", f.toString());
  }

  @Test
  void mixNotSummingToOneFailsNamingTheField() throws Exception {
    Path f = write("bad.yaml", "data:\n  mix:\n    egomask-train: 0.7\n    ref-youtube-vos: 0.2\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, Map.of()));
    assertMessageContains(e, "data.mix", f.toString());
  }

  @Test
  void badValueFromOverrideFailsNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.load(null, Map.of("train.steps", 0)));
    assertMessageContains(e, "train.steps");
  }

  @Test
  void malformedYamlFailsNamingTheFile() throws Exception {
    Path f = write("broken.yaml", "train:\n  steps: [1, 2\n  seed: : :\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, Map.of()));
    assertMessageContains(e, f.toString());
  }

  @Test
  void missingFileFailsNamingTheFile() {
    Path f = tmp.resolve("absent.yaml");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(f, Map.of()));
    assertMessageContains(e, f.toString());
  }

  @Test
  void jsonFileWorks() throws Exception {
    Path f = write("job.json",
        "{\"train\": {\"steps\": 11}, \"spark\": {\"workers\": 4, \"master\": \"local[4]\"},"
            + " \"data\": {\"mix\": {\"egomask-train\": 0.25, \"ref-youtube-vos\": 0.75}}}");
    JobConfig cfg = ConfigLoader.load(f, Map.of());
    assertEquals(11, cfg.train().steps(), "train.steps from JSON");
    assertEquals(4, cfg.spark().workers(), "spark.workers from JSON");
    assertEquals("local[4]", cfg.spark().master(), "spark.master from JSON");
    assertEquals(Map.of("egomask-train", 0.25, "ref-youtube-vos", 0.75), cfg.data().mix(), "data.mix from JSON");
    assertEquals(JobConfig.defaults().model(), cfg.model(), "model defaults kept");
  }

  @Test
  void toYamlRoundTrips() throws Exception {
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("a", 0.125);
    mix.put("b", 0.375);
    mix.put("c", 0.5);
    JobConfig d = JobConfig.defaults();
    TrainConfig t = d.train();
    JobConfig cfg = d.toBuilder()
        .set(JobConfig.DATA, DataConfig.builder().set(DataConfig.SHARDS, "/data/shards").set(DataConfig.MIX, mix)
            .set(DataConfig.BENCHMARK, "/data/bench").set(DataConfig.SPLIT, "long").build())
        .set(JobConfig.TRAIN, TrainConfig.builder().set(TrainConfig.SEED, 123456789L).set(TrainConfig.STEPS, 77)
            .set(TrainConfig.BATCH_SIZE, 3).set(TrainConfig.FRAMES_PER_SAMPLE, 2)
            .set(TrainConfig.LEARNING_RATE, 1.5e-4).set(TrainConfig.WEIGHT_DECAY, 0.02)
            .set(TrainConfig.BETA1, 0.85).set(TrainConfig.BETA2, 0.995).set(TrainConfig.MASK_BCE_WEIGHT, 1.5)
            .set(TrainConfig.DICE_WEIGHT, 0.25).set(TrainConfig.PRESENCE_WEIGHT, 0.75)
            .set(TrainConfig.MASK_THRESHOLD, 0.4).set(TrainConfig.PRESENCE_THRESHOLD, 0.6)
            .set(TrainConfig.WARMUP_STEPS, 0).set(TrainConfig.GRAD_CLIP_NORM, 0.0).build())
        .set(JobConfig.SPARK, SparkConfig.builder().set(SparkConfig.MASTER, "local[3]").set(SparkConfig.WORKERS, 3)
            .set(SparkConfig.AVERAGING_EVERY, 7).set(SparkConfig.AVERAGE_OPTIMIZER_STATE, false).build())
        .set(JobConfig.CHECKPOINT, CheckpointConfig.builder().set(CheckpointConfig.DIR, "/data/ckpt")
            .set(CheckpointConfig.EVERY_STEPS, 14).set(CheckpointConfig.KEEP_LAST, 5).build())
        .build();
    assertTrue(t.steps() != cfg.train().steps(), "the round-trip config must differ from the defaults");

    Path f = write("roundtrip.yaml", ConfigLoader.toYaml(cfg));
    JobConfig back = ConfigLoader.load(f, Map.of());
    assertEquals(cfg.data().shards(), back.data().shards(), "data.shards");
    assertEquals(cfg.data().mix(), back.data().mix(), "data.mix");
    assertEquals(List.copyOf(cfg.data().mix().keySet()), List.copyOf(back.data().mix().keySet()),
        "data.mix order");
    assertEquals(cfg.data().benchmark(), back.data().benchmark(), "data.benchmark");
    assertEquals(cfg.data().split(), back.data().split(), "data.split");
    assertEquals(cfg.model(), back.model(), "model");
    assertEquals(cfg.train(), back.train(), "train");
    assertEquals(cfg.spark(), back.spark(), "spark");
    assertEquals(cfg.checkpoint(), back.checkpoint(), "checkpoint");
    assertEquals(cfg, back, "the whole JobConfig");

    JobConfig defaultsBack = ConfigLoader.load(write("defaults.yaml", ConfigLoader.toYaml(d)), Map.of());
    assertEquals(d, defaultsBack, "the defaults round-trip through toYaml");
  }
}
