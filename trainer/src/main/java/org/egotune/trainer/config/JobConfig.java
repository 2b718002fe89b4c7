package org.egotune.trainer.config;

import java.util.List;
import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;
import org.egotune.model.ModelConfig;

/**
 * One training job as a YAML/JSON file describes it: where the data is and how to mix it, the
 * model, the training recipe, how Spark runs it and where checkpoints go. Every section has
 * defaults ({@link #defaults()}); a file only states what differs, and command-line flags override
 * the file. {@link #SECTIONS} declares every field; {@code docs/configuration.md} is checked
 * against it.
 */
public record JobConfig(
    DataConfig data,
    ModelConfig model,
    TrainConfig train,
    SparkConfig spark,
    CheckpointConfig checkpoint)
    implements java.io.Serializable {

  /** The schemas of the sections, in file order. */
  public static final List<Schema<?>> SECTIONS = List.of(DataConfig.SCHEMA, ModelConfig.SCHEMA,
      TrainConfig.SCHEMA, SparkConfig.SCHEMA, CheckpointConfig.SCHEMA);

  /** The top level: one field per section. */
  public static final Schema<JobConfig> SCHEMA = new Schema<>("", JobConfig.class);
  public static final Param<DataConfig> DATA = section("data", DataConfig.defaults());
  public static final Param<ModelConfig> MODEL = section("model", ModelConfig.defaults());
  public static final Param<TrainConfig> TRAIN = section("train", TrainConfig.defaults());
  public static final Param<SparkConfig> SPARK = section("spark", SparkConfig.defaults());
  public static final Param<CheckpointConfig> CHECKPOINT = section("checkpoint", CheckpointConfig.defaults());

  public JobConfig {
    data = DATA.check(data);
    model = MODEL.check(model);
    train = TRAIN.check(train);
    spark = SPARK.check(spark);
    checkpoint = CHECKPOINT.check(checkpoint);
  }

  /** A builder holding the defaults. */
  public static Schema.Builder<JobConfig> builder() {
    return SCHEMA.builder();
  }

  /** A builder holding this job's sections. */
  public Schema.Builder<JobConfig> toBuilder() {
    return SCHEMA.builder(this);
  }

  /** The embedded default job: the quickstart's. */
  public static JobConfig defaults() {
    return builder().build();
  }

  /** The field of {@code key} ({@code train.steps}), of any section. */
  public static Param<?> param(String key) {
    return SECTIONS.stream().flatMap(s -> s.params().stream()).filter(p -> p.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown config key '" + key + "'"));
  }

  private static <T> Param<T> section(String name, T defaults) {
    return SCHEMA.param(name, defaults, Range.any(), "", "the " + name + " section");
  }
}
