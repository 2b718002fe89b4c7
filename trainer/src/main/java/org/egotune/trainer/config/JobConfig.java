package org.egotune.trainer.config;

import java.util.Objects;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;

/**
 * One training job as a YAML/JSON file describes it: where the data is and how to mix it, the
 * model, the training recipe, how Spark runs it and where checkpoints go. Every section has
 * defaults ({@link #defaults()}); a file only states what differs, and command-line flags override
 * the file. See {@code docs/configuration.md} for every field.
 */
public record JobConfig(
    DataConfig data,
    ModelConfig model,
    TrainConfig train,
    SparkConfig spark,
    CheckpointConfig checkpoint)
    implements java.io.Serializable {

  public JobConfig {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(checkpoint, "checkpoint");
  }

  /** The embedded default job: the quickstart's. */
  public static JobConfig defaults() {
    return new JobConfig(
        DataConfig.defaults(),
        ModelConfig.defaults(),
        TrainConfig.defaults(),
        SparkConfig.defaults(),
        CheckpointConfig.defaults());
  }
}
