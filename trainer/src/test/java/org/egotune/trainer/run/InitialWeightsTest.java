package org.egotune.trainer.run;

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
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.io.Safetensors;
import org.egotune.trainer.loop.LocalTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** model.weights: a fresh run's driver model starts from the file, and a wrong file fails naming it. */
class InitialWeightsTest {
  private static final TrainConfig TRAIN =
      new TrainConfig(11L, 1, 2, 2, 3e-3, 0.01, 0.9, 0.999, 2.0, 0.5, 1.0, 0.5, 0.5);

  @TempDir Path tmp;
  private final Configuration conf = new Configuration();

  private static ModelConfig tiny(long seed, int channels, String weights) {
    return new ModelConfig("tiny", 16, 64, channels, seed, weights);
  }

  @Test
  void freshRunStartsFromTheFilesParameters() throws Exception {
    // The file holds another seed's initialisation, so equality can only come from the load.
    SegModel other = SegModel.build(tiny(99L, 16, ""));
    Path f = tmp.resolve("init.safetensors");
    other.saveSafetensors(f, Map.of());
    ModelConfig mc = tiny(5L, 16, f.toString());
    LocalTrainer driver = new LocalTrainer(mc, TRAIN);
    float[] seeded = driver.params();

    InitialWeights w = TrainingRun.initialWeights(driver.model(), mc.weights(), conf);

    float[] expected = other.params().flatten(other.sameDiff());
    assertFalse(java.util.Arrays.equals(expected, seeded));
    assertArrayEquals(expected, driver.params());
    assertEquals(f.toString(), w.file());
    assertEquals(other.stateDict().size(), w.tensors());
    assertEquals(0, w.skipped());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    assertEquals(sha, w.sha256());
    // Empty: nothing loaded, the seeded parameters stay.
    LocalTrainer plain = new LocalTrainer(tiny(5L, 16, ""), TRAIN);
    assertNull(TrainingRun.initialWeights(plain.model(), "", conf));
    assertArrayEquals(seeded, plain.params());
  }

  @Test
  void aFileOfAnotherShapeOrNoFileFailsNamingIt() throws Exception {
    Path f = tmp.resolve("narrow.safetensors");
    SegModel.build(tiny(1L, 8, "")).saveSafetensors(f, Map.of());
    SegModel model = SegModel.build(tiny(5L, 16, ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingRun.initialWeights(model, f.toString(), conf));
    assertTrue(e.getMessage().startsWith("model.weights: " + f), e.getMessage());
    assertTrue(e.getMessage().contains("egotune.tiny."), e.getMessage());

    String missing = tmp.resolve("nope.safetensors").toString();
    e = assertThrows(IllegalArgumentException.class,
        () -> TrainingRun.initialWeights(model, missing, conf));
    assertEquals("model.weights: " + missing + " does not exist", e.getMessage());
  }

  @Test
  void aSa2vaShapedFileLoadsStrictlyCountingWhatTheDecoderPathSkipsAndAForeignKeyFails() throws Exception {
    SegModel other = SegModel.build(tiny(99L, 16, ""));
    Map<String, INDArray> all = new LinkedHashMap<>(other.stateDict());
    all.put("grounding_encoder.sam2_model.no_mem_embed", Nd4j.ones(1, 1, 16));
    all.put("grounding_encoder.sam2_model.image_encoder.trunk.pos_embed", Nd4j.ones(1, 4, 2, 2));
    all.put("mllm.model.vision_model.embeddings.position_ids", Nd4j.createFromArray(0L, 1L, 2L));
    Path f = tmp.resolve("sa2va-like.safetensors");
    Safetensors.write(f, all, Map.of());
    SegModel model = SegModel.build(tiny(5L, 16, ""));

    InitialWeights w = TrainingRun.initialWeights(model, f.toString(), conf);

    assertEquals(other.stateDict().size(), w.tensors());
    assertEquals(3, w.skipped());
    assertArrayEquals(other.params().flatten(other.sameDiff()), model.params().flatten(model.sameDiff()));

    all.put("decoder.extra.weight", Nd4j.ones(2));
    Path g = tmp.resolve("foreign.safetensors");
    Safetensors.write(g, all, Map.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingRun.initialWeights(model, g.toString(), conf));
    assertTrue(e.getMessage().startsWith("model.weights: " + g), e.getMessage());
    assertTrue(e.getMessage().contains("[decoder.extra.weight]"), e.getMessage());
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
