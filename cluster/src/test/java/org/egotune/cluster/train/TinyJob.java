package org.egotune.cluster.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.SparkConfig;
import org.egotune.model.ModelConfig;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.trainer.config.TrainConfig;

/** The tiny training job the distributed-training ITs share: 80/20 mix, 16x16 model, 2 workers. */
final class TinyJob {
  private TinyJob() {}

  static JobConfig of(String shards, String ckpt, int steps, int averagingEvery, int everyRounds, int keepLast) {
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("egomask-train", 0.8);
    mix.put("ref-youtube-vos", 0.2);
    return JobConfig.builder()
        .set(JobConfig.DATA, DataConfig.builder().set(DataConfig.SHARDS, shards).set(DataConfig.MIX, mix).build())
        .set(JobConfig.MODEL, tinyModel(5L))
        // constant learning rate, no clipping
        .set(JobConfig.TRAIN, TrainConfig.builder().set(TrainConfig.SEED, 11L).set(TrainConfig.STEPS, steps)
            .set(TrainConfig.BATCH_SIZE, 2).set(TrainConfig.FRAMES_PER_SAMPLE, 2).set(TrainConfig.WARMUP_STEPS, 0)
            .set(TrainConfig.GRAD_CLIP_NORM, 0.0).build())
        .set(JobConfig.SPARK, SparkConfig.builder().set(SparkConfig.AVERAGING_EVERY, averagingEvery).build())
        .set(JobConfig.CHECKPOINT, CheckpointConfig.builder().set(CheckpointConfig.DIR, ckpt)
            .set(CheckpointConfig.EVERY_STEPS, everyRounds * averagingEvery).set(CheckpointConfig.KEEP_LAST, keepLast).build())
        .build();
  }

  /** The ITs' tiny model: 16x16 frames, 64 token buckets, width 16, initialised with {@code seed}. */
  static ModelConfig tinyModel(long seed) {
    return ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16).set(ModelConfig.VOCAB, 64)
        .set(ModelConfig.CHANNELS, 16).set(ModelConfig.INIT_SEED, seed).build();
  }

  /** Generates and prepares two tiny datasets (egomask-train, ref-youtube-vos) under {@code dir}; returns the shards root. */
  static String prepareData(SparkSession spark, java.nio.file.Path dir) throws Exception {
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 4, 4, 32, 32), dir.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 3, 4, 32, 32), dir.resolve("exo"));
    String shards = dir.resolve("shards").toString();
    PrepareJob.run(spark, "egomask-train", dir.resolve("ego"), shards, null, 2, false);
    PrepareJob.run(spark, "ref-youtube-vos", dir.resolve("exo"), shards, null, 2, false);
    return shards;
  }
}
