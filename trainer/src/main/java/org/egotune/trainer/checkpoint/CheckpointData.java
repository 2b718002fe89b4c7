package org.egotune.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Everything a run needs to continue exactly where it stopped: parameters and optimizer state as
 * flat vectors (model-zoo parameter-table order), the optimizer step count, the mixer position, and
 * the job description (config, seed, thread count, provenance) as JSON.
 *
 * @param step training step (per worker) at which the checkpoint was taken
 * @param iteration optimizer iteration count (Adam's bias correction)
 * @param mixerPosition next global sample position of the mixer
 * @param params flat parameters
 * @param optimizer flat optimizer state
 * @param meta config, seed, provenance, metrics: whatever the job records (a JSON object)
 */
public record CheckpointData(
    int step, int iteration, long mixerPosition, float[] params, float[] optimizer, JsonNode meta) {
  public CheckpointData {
    if (step < 0 || iteration < 0 || mixerPosition < 0) {
      throw new IllegalArgumentException("checkpoint step, iteration and mixerPosition must be >= 0,"
          + " found " + step + ", " + iteration + ", " + mixerPosition);
    }
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(meta, "meta");
    if (!meta.isObject()) {
      throw new IllegalArgumentException("checkpoint meta must be a JSON object");
    }
  }
}
