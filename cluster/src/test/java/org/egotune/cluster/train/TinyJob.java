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
    TrainConfig t = new TrainConfig(11L, steps, 2, 2, 3e-3, 0.01, 0.9, 0.999, 2.0, 0.5, 1.0, 0.5, 0.5);
    return new JobConfig(new DataConfig(shards, mix, "", "full"), new ModelConfig("tiny", 16, 64, 16, 5L), t,
        new SparkConfig("local[2]", 2, averagingEvery, true), new CheckpointConfig(ckpt, everyRounds * averagingEvery, keepLast));
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
