package org.egotune.trainer.config;

/**
 * Where and how often checkpoints are written.
 *
 * @param dir checkpoint directory (any Hadoop URI or local path)
 * @param everyRounds write a checkpoint every this many averaging rounds (and always at the end)
 * @param keepLast how many complete checkpoints to keep
 */
public record CheckpointConfig(String dir, int everyRounds, int keepLast) implements java.io.Serializable {
  public CheckpointConfig {
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("checkpoint.dir must name a directory, found '" + dir + "'");
    }
    if (everyRounds < 1) {
      throw new IllegalArgumentException("checkpoint.everyRounds must be >= 1, found " + everyRounds);
    }
    if (keepLast < 1) {
      throw new IllegalArgumentException("checkpoint.keepLast must be >= 1, found " + keepLast);
    }
  }

  static CheckpointConfig defaults() {
    return new CheckpointConfig("egotune-out/checkpoints", 20, 3);
  }
}
