package org.egotune.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** card.json's baseWeights: the model.weights file a run started from, or the seed. */
class ExporterCardTest {
  @TempDir java.nio.file.Path tmp;

  private String baseWeights(String name, JsonNode initialWeights) throws Exception {
    return card(name, initialWeights, null).path("baseWeights").asText();
  }

  private JsonNode card(String name, JsonNode initialWeights, JsonNode lastValidation) throws Exception {
    ModelConfig mc = ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16).set(ModelConfig.VOCAB, 64)
        .set(ModelConfig.CHANNELS, 8).set(ModelConfig.INIT_SEED, 5L)
        .set(ModelConfig.WEIGHTS, initialWeights == null ? "" : "w.safetensors").build();
    JobConfig job = JobConfig.builder().set(JobConfig.MODEL, mc).build();
    ObjectNode meta = new ObjectMapper().createObjectNode();
    meta.set("config", ConfigLoader.toTree(job));
    meta.putObject("realisedCounts");
    if (initialWeights != null) {
      meta.set("initialWeights", initialWeights);
    }
    if (lastValidation != null) {
      meta.set("lastValidation", lastValidation);
    }
    SegModel m = SegModel.build(mc);
    float[] params = m.params().flatten(m.sameDiff());
    Configuration conf = new Configuration();
    CheckpointStore store = new CheckpointStore(conf, new Path(tmp.resolve(name).toUri()), 1);
    Path ckpt = store.save(new CheckpointData(1, 1, 4, params, new float[0], meta), Map.of());
    Path out = new Path(tmp.resolve(name + "-export").toUri());
    Exporter.export(conf, ckpt, out, Map.of(), false, EnumSet.of(Exporter.Format.CARD));
    return new ObjectMapper().readTree(tmp.resolve(name + "-export").resolve("card.json").toFile());
  }

  @Test
  void cardCarriesTheRunsLastValidation() throws Exception {
    ObjectNode v = new ObjectMapper().createObjectNode().put("step", 30).put("benchmark", "b").put("split", "full");
    v.putObject("metrics").put("J&F", 53.31);
    assertEquals(v, card("validated", null, v).get("validation"));
    assertTrue(card("not-validated", null, null).path("validation").isMissingNode());
  }

  @Test
  void cardNamesTheStartingWeights() throws Exception {
    ObjectNode w = new ObjectMapper().createObjectNode().put("file", "hdfs://nn/sa2va.safetensors")
        .put("sha256", "ab12").put("tensors", 3).put("skipped", 0);
    assertEquals("hdfs://nn/sa2va.safetensors (sha256 ab12)", baseWeights("from-file", w));
    assertEquals("none: initialised from model.initSeed=5", baseWeights("seeded", null));
  }
}
