package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.loop.LocalTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.weights: a fresh run's driver model starts from the file, and a wrong file fails naming it. */
class InitialWeightsTest {
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();

  private static ModelConfig tiny(long seed, int channels, String weights) {
    return TinyJob.tinyModel(seed).toBuilder().set(ModelConfig.CHANNELS, channels).set(ModelConfig.WEIGHTS, weights).build();
  }

  @Test
  void freshRunStartsFromTheFilesParameters() throws Exception {
    // The file holds another seed's initialisation, so equality can only come from the load.
    SegModel other = SegModel.build(tiny(99L, 16, ""));
    Path f = tmp.resolve("init.safetensors");
    other.saveSafetensors(f, Map.of());
    JobConfig job = TinyJob.of("unused", tmp.resolve("ckpt").toString(), 1, 1, 1, 1);
    ModelConfig mc = tiny(5L, 16, f.toString());
    LocalTrainer driver = new LocalTrainer(mc, job.train());
    float[] seeded = driver.params();

    InitialWeights w = DistributedTrainer.initialWeights(driver.model(), mc.weights(), conf);

    float[] expected = other.params().flatten(other.sameDiff());
    assertFalse(java.util.Arrays.equals(expected, seeded));
    assertArrayEquals(expected, driver.params());
    assertEquals(f.toString(), w.file());
    assertEquals(other.stateDict().size(), w.tensors());
    assertEquals(0, w.skipped());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    assertEquals(sha, w.sha256());
    // Empty: nothing loaded, the seeded parameters stay.
    LocalTrainer plain = new LocalTrainer(tiny(5L, 16, ""), job.train());
    assertNull(DistributedTrainer.initialWeights(plain.model(), "", conf));
    assertArrayEquals(seeded, plain.params());
  }

  @Test
  void aFileOfAnotherShapeOrNoFileFailsNamingIt() throws Exception {
    Path f = tmp.resolve("narrow.safetensors");
    SegModel.build(tiny(1L, 8, "")).saveSafetensors(f, Map.of());
    SegModel model = SegModel.build(tiny(5L, 16, ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DistributedTrainer.initialWeights(model, f.toString(), conf));
    assertTrue(e.getMessage().startsWith("model.weights: " + f), e.getMessage());
    assertTrue(e.getMessage().contains("egotune.tiny."), e.getMessage());

    String missing = tmp.resolve("nope.safetensors").toString();
    e = assertThrows(IllegalArgumentException.class,
        () -> DistributedTrainer.initialWeights(model, missing, conf));
    assertEquals("model.weights: " + missing + " does not exist", e.getMessage());
  }

  @Test
  void theFlagAndTheFileSetModelWeights() throws Exception {
    assertEquals("", JobConfig.defaults().model().weights());
    assertEquals("hdfs://nn/w.safetensors",
        ConfigLoader.load(null, Map.of("model.weights", "hdfs://nn/w.safetensors")).model().weights());
    Path yaml = tmp.resolve("job.yaml");
    Files.writeString(yaml, "model:\n  weights: /data/sa2va.safetensors\n");
    assertEquals("/data/sa2va.safetensors", ConfigLoader.load(yaml, Map.of()).model().weights());
  }
}
