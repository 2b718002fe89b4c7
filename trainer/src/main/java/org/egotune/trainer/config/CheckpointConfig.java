package org.egotune.trainer.config;

import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;

/**
 * Where and how often checkpoints are written. Each field's key, meaning, default and valid range
 * is its {@link Param} below.
 */
public record CheckpointConfig(String dir, int everySteps, int keepLast) implements java.io.Serializable {

  /** The {@code checkpoint} section's fields. */
  public static final Schema<CheckpointConfig> SCHEMA = new Schema<>("checkpoint", CheckpointConfig.class);
  public static final Param<String> DIR = SCHEMA.param("dir", "egotune-out/checkpoints",
      Range.nonBlank("a path or Hadoop URI"), "--checkpoint-dir", "checkpoint directory");
  public static final Param<Integer> EVERY_STEPS = SCHEMA.param("everySteps", 100, Range.atLeast(1), "",
      "checkpoint after the round that reaches a multiple of n optimizer steps (and at the end);"
          + " steps, not rounds, so a resume with another `spark.averagingEvery` keeps the cadence"
          + " (was `everyRounds`: n = everyRounds x averagingEvery)");
  public static final Param<Integer> KEEP_LAST = SCHEMA.param("keepLast", 3, Range.atLeast(1), "",
      "complete checkpoints kept");

  public CheckpointConfig {
    dir = DIR.check(dir);
    EVERY_STEPS.check(everySteps);
    KEEP_LAST.check(keepLast);
  }

  /** A builder holding the defaults. */
  public static Schema.Builder<CheckpointConfig> builder() {
    return SCHEMA.builder();
  }

  /** A builder holding this config's values. */
  public Schema.Builder<CheckpointConfig> toBuilder() {
    return SCHEMA.builder(this);
  }

  static CheckpointConfig defaults() {
    return builder().build();
  }
}
