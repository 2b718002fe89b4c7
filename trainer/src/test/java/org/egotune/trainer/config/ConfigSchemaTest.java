package org.egotune.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.egotune.config.Param;
import org.egotune.config.Schema;
import org.egotune.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records enforce exactly the ranges their schema declares, and build from its defaults. */
class ConfigSchemaTest {
  @TempDir Path tmp;

  /** Values to try against each range, by field type. */
  private static final Map<Class<?>, List<?>> PROBES = Map.of(
      Integer.class, List.of(-1, 0, 1, 7, 9, 12, 15, 2048, 1 << 21),
      Long.class, List.of(-1L, 0L, 1L),
      Double.class, List.of(-1.0, 0.0, 0.5, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY),
      Boolean.class, List.of(true, false),
      String.class, List.of("", " ", "nope", "full", "skip"));

  @Test
  void everyDeclaredRangeIsWhatTheRecordAccepts() {
    List<String> wrong = new ArrayList<>();
    int probed = 0;
    for (Schema<?> s : JobConfig.SECTIONS) {
      for (Param<?> p : s.params()) {
        for (Object v : PROBES.getOrDefault(p.defaultValue().getClass(), List.of())) {
          probed++;
          @SuppressWarnings("unchecked")
          String error = ((org.egotune.config.Range<Object>) p.range()).error().apply(p.key(), v);
          try {
            s.builder().set(cast(p), v).build();
            if (error != null) {
              wrong.add(p.key() + " accepted " + v + " outside " + p.range().text());
            }
          } catch (IllegalArgumentException e) {
            if (e.getMessage().contains(" must divide ")) {
              continue; // a cross-field check (documented in the field's meaning)
            }
            if (error == null) {
              wrong.add(p.key() + " rejected " + v + " inside " + p.range().text() + ": " + e.getMessage());
            } else if (!e.getMessage().startsWith(p.key() + " must be")) {
              wrong.add(p.key() + ": the message must name the key and range: " + e.getMessage());
            }
          }
        }
      }
    }
    assertTrue(probed > 100, "probed " + probed);
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  @SuppressWarnings("unchecked")
  private static Param<Object> cast(Param<?> p) {
    return (Param<Object>) p;
  }

  @Test
  void anOutOfRangeValueNamesTheKeyAndTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.builder().set(TrainConfig.STEPS, 0).build());
    assertEquals("train.steps must be >= 1, found 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DataConfig.builder().set(DataConfig.SPLIT, "tiny").build());
    assertEquals("data.split must be one of short, medium, long, full, found 'tiny'", e.getMessage());
  }

  @Test
  void defaultsAreTheSchemasAndBuildersCopyEveryField() {
    TrainConfig d = TrainConfig.defaults();
    assertEquals(300, d.steps());
    assertEquals(TrainConfig.STEPS.defaultValue(), d.steps());
    assertEquals(d, d.toBuilder().build(), "toBuilder keeps every field");
    TrainConfig t = d.toBuilder().set(TrainConfig.SEED, 5L).set(TrainConfig.STEPS, 17).build();
    assertEquals(d, t.toBuilder().set(TrainConfig.SEED, 42L).set(TrainConfig.STEPS, 300).build(),
        "a builder changes only the fields it sets");
    JobConfig j = JobConfig.defaults();
    assertEquals(j, j.toBuilder().build());
    assertEquals(ModelConfig.defaults(), j.model());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainConfig.builder().set(SparkConfig.WORKERS, 3));
    assertTrue(e.getMessage().contains("spark.workers"), e.getMessage());
  }

  @Test
  void oneFieldInAFileLeavesEveryOtherAtItsDocumentedDefault() throws Exception {
    Path f = Files.writeString(tmp.resolve("job.yaml"), "spark:\n  workers: 4\n");
    JobConfig cfg = ConfigLoader.load(f, Map.of());
    assertEquals(4, cfg.spark().workers());
    assertEquals(JobConfig.defaults().toBuilder()
        .set(JobConfig.SPARK, SparkConfig.builder().set(SparkConfig.WORKERS, 4).build()).build(), cfg);
    for (Schema<?> s : List.of(DataConfig.SCHEMA, TrainConfig.SCHEMA, CheckpointConfig.SCHEMA)) {
      for (Param<?> p : s.params()) {
        Object v = ConfigLoader.toTree(cfg).get(s.section()).get(p.name());
        assertEquals(ConfigLoader.toTree(JobConfig.defaults()).get(s.section()).get(p.name()), v, p.key());
      }
    }
  }

  @Test
  void nullMeansTheDefaultOneDefaultForTheSplit() throws Exception {
    Path f = Files.writeString(tmp.resolve("job.yaml"), "data:\n  split: null\n  benchmark: ~\n");
    JobConfig cfg = ConfigLoader.load(f, Map.of());
    assertEquals("full", cfg.data().split(), "an explicit null split is the documented default");
    assertEquals(DataConfig.SPLIT.defaultValue(), DataConfig.builder().set(DataConfig.SPLIT, null).build().split());
    assertEquals("", cfg.data().benchmark());
  }
}
