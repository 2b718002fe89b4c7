package org.egotune.trainer.config;

/**
 * Where and how often checkpoints are written.
 *
 * @param dir checkpoint directory (any Hadoop URI or local path)
 * @param everySteps write a checkpoint after the round that reaches a multiple of this many optimizer
 *     steps (and always at the end); counted in steps, not rounds, so the cadence stays where it was
 *     when a run is resumed with another {@code spark.averagingEvery}
 * @param keepLast how many complete checkpoints to keep
 */
public record CheckpointConfig(String dir, int everySteps, int keepLast) implements java.io.Serializable {
  public CheckpointConfig {
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("checkpoint.dir must name a directory, found '" + dir + "'");
    }
    if (everySteps < 1) {
      throw new IllegalArgumentException("checkpoint.everySteps must be >= 1, found " + everySteps);
    }
    if (keepLast < 1) {
      throw new IllegalArgumentException("checkpoint.keepLast must be >= 1, found " + keepLast);
    }
  }

  static CheckpointConfig defaults() {
    return new CheckpointConfig("egotune-out/checkpoints", 100, 3);
  }
}
