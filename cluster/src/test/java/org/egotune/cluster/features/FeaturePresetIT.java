package org.egotune.cluster.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.SparkConfig;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.trainer.export.Exporter;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.cluster.train.DistributedTrainer;
import org.egotune.trainer.run.TrainingRun;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.model.ModelConfig;
import org.egotune.model.io.Safetensors;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.features.FeatureGeneration;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.MetricTable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature path end to end with {@code sam2-decoder-small}: generated datasets, prepared shards,
 * synthetic feature shards for them and for the benchmark, distributed training whose loss falls,
 * evaluation on the benchmark's features, and an export under Sa2VA's names.
 */
@Tag("slow")
class FeaturePresetIT {
  @TempDir static Path tmp;

  @Test
  void sam2SmallTrainsOnFeatureShardsEvaluatesAndExportsBySa2vaNames() throws Exception {
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 4, 4, 32, 32), tmp.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 2, 4, 32, 32), tmp.resolve("exo"));
    Path bench = tmp.resolve("bench");
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, 5, 3, 4, 32, 32), bench);
    String shards = tmp.resolve("shards").toString();
    ModelConfig model = ModelConfig.preset(ModelConfig.SAM2_SMALL, 5L);
    SparkSession spark = SparkRuntime.session("features-it", "local[2]");
    try {
      PrepareJob.run(spark, "egomask-train", tmp.resolve("ego"), shards, null, 4, false);
      PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), shards, null, 4, false);
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      assertEquals(2, FeatureGeneration.forShards(conf, shards, List.of(), model, 1L, false).size());
      FeatureGeneration.forBenchmark(conf, bench, model, 1L, false);
      assertTrue(Files.exists(tmp.resolve("shards/features/egomask-train/index.json")));

      Map<String, Double> mix = new LinkedHashMap<>();
      mix.put("egomask-train", 0.8);
      mix.put("ref-youtube-vos", 0.2);
      TrainConfig t = TrainConfig.builder().set(TrainConfig.SEED, 11L).set(TrainConfig.STEPS, 12)
          .set(TrainConfig.BATCH_SIZE, 1).set(TrainConfig.FRAMES_PER_SAMPLE, 2).set(TrainConfig.LEARNING_RATE, 1e-2)
          .set(TrainConfig.WARMUP_STEPS, 0).set(TrainConfig.GRAD_CLIP_NORM, 0.0).build();
      JobConfig job = JobConfig.builder()
          .set(JobConfig.DATA, DataConfig.builder().set(DataConfig.SHARDS, shards).set(DataConfig.MIX, mix)
              .set(DataConfig.BENCHMARK, bench.toString()).build())
          .set(JobConfig.MODEL, model).set(JobConfig.TRAIN, t)
          .set(JobConfig.SPARK, SparkConfig.builder().set(SparkConfig.AVERAGING_EVERY, 3).build())
          .set(JobConfig.CHECKPOINT, CheckpointConfig.builder().set(CheckpointConfig.DIR, tmp.resolve("ckpt").toString())
              .set(CheckpointConfig.EVERY_STEPS, 12).set(CheckpointConfig.KEEP_LAST, 2).build())
          .build();
      TrainingRun.Outcome out = new DistributedTrainer(job, conf).run(spark, false);
      List<Double> losses = out.roundLosses();
      double first = losses.get(0);
      double last = (losses.get(losses.size() - 1) + losses.get(losses.size() - 2)) / 2;
      assertTrue(last < first, "loss should fall: " + losses);

      List<ClipRecord> records = EgoMaskBenchReader.read(bench, "full");
      Map<String, MetricTable.Summary> table = CheckpointEvaluation.evaluate(conf, out.lastCheckpoint().toString(),
          records, null, FeatureStore.rootOf(bench.toString()).toString());
      assertTrue(table.containsKey("full") || table.size() == 1, table.toString());

      Exporter.export(conf, out.lastCheckpoint(), new org.apache.hadoop.fs.Path(tmp.resolve("export").toString()),
          table, false);
      var tensors = Safetensors.read(tmp.resolve("export/model.safetensors")).tensors();
      assertTrue(tensors.containsKey("grounding_encoder.sam2_model.sam_mask_decoder.conv_s1.weight"));
      assertTrue(tensors.containsKey("grounding_encoder.sam2_model.sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix"));
      assertTrue(tensors.containsKey("text_hidden_fcs.2.weight"));

      // A damaged feature shard met by a training task is bad input: a typed error naming the
      // shard, returned by the task (not a failed, retried task).
      try (var files = Files.list(tmp.resolve("shards/features/egomask-train"))) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList()) {
          byte[] b = Files.readAllBytes(f);
          b[b.length / 2] ^= 0x20;
          Files.write(f, b);
          Files.deleteIfExists(f.resolveSibling("." + f.getFileName() + ".crc"));
        }
      }
      JobConfig damaged = job.toBuilder().set(JobConfig.CHECKPOINT, job.checkpoint().toBuilder()
          .set(CheckpointConfig.DIR, tmp.resolve("ckpt-damaged").toString()).build()).build();
      java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.io.UncheckedIOException.class, () -> new DistributedTrainer(damaged, conf).run(spark, false));
      assertTrue(e.getCause() instanceof org.egotune.mixer.reader.DatasetFormatException, e.toString());
      assertTrue(e.getCause().getMessage().contains("features/egomask-train/part-")
          && e.getCause().getMessage().contains("checksum"), e.getCause().getMessage());
    } finally {
      spark.stop();
    }
  }
}
