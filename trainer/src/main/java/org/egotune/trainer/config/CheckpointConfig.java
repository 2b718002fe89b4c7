package org.egotune.trainer.config;

import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;

/**
 * Where and how often checkpoints are written. Each field's key, meaning, default and valid range
 * is its {@link Param} below.
 */
public record CheckpointConfig(String dir, int everyRounds, int keepLast) implements java.io.Serializable {

  /** The {@code checkpoint} section's fields. */
  public static final Schema<CheckpointConfig> SCHEMA = new Schema<>("checkpoint", CheckpointConfig.class);
  public static final Param<String> DIR = SCHEMA.param("dir", "egotune-out/checkpoints",
      Range.nonBlank("a path or Hadoop URI"), "--checkpoint-dir", "checkpoint directory");
  public static final Param<Integer> EVERY_ROUNDS = SCHEMA.param("everyRounds", 20, Range.atLeast(1), "",
      "checkpoint every n averaging rounds (and at the end)");
  public static final Param<Integer> KEEP_LAST = SCHEMA.param("keepLast", 3, Range.atLeast(1), "",
      "complete checkpoints kept");

  public CheckpointConfig {
    dir = DIR.check(dir);
    EVERY_ROUNDS.check(everyRounds);
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
