package org.egotune.trainer.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.mixer.shard.ShardInfo;
import org.egotune.mixer.shard.ShardWriter;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.SparkConfig;
import org.egotune.trainer.config.TrainConfig;

/**
 * Real Parquet shards of two small generated datasets (egomask-train, ref-youtube-vos), written the
 * way {@code prepare} writes them but without Spark, and the tiny 80/20 job that trains on them.
 */
final class TinyShards {
  private TinyShards() {}

  /** Generates and shards both datasets under {@code work}; returns the shards root. */
  static String prepare(Path work) throws IOException {
    Configuration conf = new Configuration();
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 4, 4, 32, 32), work.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 3, 4, 32, 32), work.resolve("exo"));
    write(conf, DatasetLayouts.get("egomask-train").read(work.resolve("ego")).records(),
        work.resolve("shards/egomask-train"), "egomask-train");
    write(conf, DatasetLayouts.get("ref-youtube-vos").read(work.resolve("exo")).records(),
        work.resolve("shards/ref-youtube-vos"), "ref-youtube-vos");
    return work.resolve("shards").toString();
  }

  /** The tiny job: 80/20, 16x16 model, batch 2 of 2 frames, no Spark. */
  static JobConfig job(String shards, String ckpt, int steps, int workers, int perTask, int k) {
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("egomask-train", 0.8);
    mix.put("ref-youtube-vos", 0.2);
    return JobConfig.builder()
        .set(JobConfig.DATA, DataConfig.builder().set(DataConfig.SHARDS, shards).set(DataConfig.MIX, mix).build())
        .set(JobConfig.MODEL, tinyModel(5L))
        .set(JobConfig.TRAIN, train(steps))
        .set(JobConfig.SPARK, SparkConfig.builder().set(SparkConfig.MASTER, "none")
            .set(SparkConfig.WORKERS, workers).set(SparkConfig.WORKERS_PER_TASK, perTask)
            .set(SparkConfig.AVERAGING_EVERY, k).build())
        .set(JobConfig.CHECKPOINT, CheckpointConfig.builder().set(CheckpointConfig.DIR, ckpt)
            .set(CheckpointConfig.EVERY_STEPS, 2).set(CheckpointConfig.KEEP_LAST, 5).build())
        .build();
  }

  /** The tiny recipe: batch 2 of 2 frames, constant learning rate, no clipping. */
  static TrainConfig train(int steps) {
    return TrainConfig.builder().set(TrainConfig.SEED, 11L).set(TrainConfig.STEPS, steps)
        .set(TrainConfig.BATCH_SIZE, 2).set(TrainConfig.FRAMES_PER_SAMPLE, 2)
        .set(TrainConfig.WARMUP_STEPS, 0).set(TrainConfig.GRAD_CLIP_NORM, 0.0).build();
  }

  /** The 16x16 tiny preset. */
  static ModelConfig tinyModel(long seed) {
    return ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16).set(ModelConfig.VOCAB, 64)
        .set(ModelConfig.CHANNELS, 16).set(ModelConfig.INIT_SEED, seed).build();
  }

  private static void write(Configuration conf, List<ClipRecord> records, Path dir, String source)
      throws IOException {
    Files.createDirectories(dir);
    org.apache.hadoop.fs.Path hdir = new org.apache.hadoop.fs.Path(dir.toUri());
    List<ShardInfo> shards = new ArrayList<>();
    int perShard = 3;
    for (int i = 0, s = 0; i < records.size(); i += perShard, s++) {
      List<Sample> samples = new ArrayList<>();
      for (ClipRecord r : records.subList(i, Math.min(records.size(), i + perShard))) {
        samples.add(FrameFiles.toSample(conf, r));
      }
      shards.add(ShardWriter.writeShard(conf, hdir, s, samples.iterator()));
    }
    DatasetManifest.write(conf, hdir, DatasetManifest.of(source, shards), false);
  }
}
