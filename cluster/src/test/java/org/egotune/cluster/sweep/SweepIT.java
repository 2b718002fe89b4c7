package org.egotune.cluster.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep trains one point per share with the exact realised share, and a second run resumes it. */
@Tag("slow")
class SweepIT {
  @TempDir Path tmp;

  @Test
  void sweepsRealisesEachShareAndResumesWithoutRedoingPoints() throws Exception {
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 6, 4, 32, 32), tmp.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 4, 4, 32, 32), tmp.resolve("exo"));
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, 5, 3, 4, 32, 32), tmp.resolve("bench"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 6, 3, 4, 32, 32), tmp.resolve("hold"));
    SparkSession spark = SparkRuntime.session("sweep-it", "local[2]");
    try {
      String shards = tmp.resolve("shards").toString();
      PrepareJob.run(spark, "egomask-train", tmp.resolve("ego"), shards, null, 4, false);
      PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), shards, null, 4, false);
      Map<String, Double> mix = new LinkedHashMap<>();
      mix.put("egomask-train", 0.8);
      mix.put("ref-youtube-vos", 0.2);
      JobConfig base = JobConfig.builder()
          .set(JobConfig.DATA, DataConfig.builder().set(DataConfig.SHARDS, shards).set(DataConfig.MIX, mix)
              .set(DataConfig.BENCHMARK, tmp.resolve("bench").toString()).build())
          .set(JobConfig.MODEL, ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16).set(ModelConfig.VOCAB, 64)
              .set(ModelConfig.CHANNELS, 16).set(ModelConfig.INIT_SEED, 5L).build())
          .set(JobConfig.TRAIN, TrainConfig.builder().set(TrainConfig.SEED, 11L).set(TrainConfig.STEPS, 5)
              .set(TrainConfig.BATCH_SIZE, 2).set(TrainConfig.FRAMES_PER_SAMPLE, 2).set(TrainConfig.WARMUP_STEPS, 0)
              .set(TrainConfig.GRAD_CLIP_NORM, 0.0).build())
          .set(JobConfig.CHECKPOINT, CheckpointConfig.builder().set(CheckpointConfig.DIR, tmp.resolve("unused").toString())
              .set(CheckpointConfig.EVERY_STEPS, 5).set(CheckpointConfig.KEEP_LAST, 2).build())
          .build();
      String out = tmp.resolve("sweep").toString();
      List<PointResult> first = SweepRunner.run(spark, base,
          new SweepConfig(List.of(0.0, 1.0), List.of(1L), "egomask-train", 2, out, tmp.resolve("hold").toString()));
      assertEquals(0.0, first.get(0).realisedShare("egomask-train"), 0);
      assertEquals(1.0, first.get(1).realisedShare("egomask-train"), 0);
      assertEquals(20, first.get(0).samples(), "5 steps x 2 workers x batch 2");
      assertTrue(first.get(0).exo().containsKey("IoU_all"), "scored on the exo hold-out");
      Path done = SweepRunner.pointDir(new SweepConfig(List.of(0.0), List.of(1L), "egomask-train", 1, out, ""), 0.0, 1)
          .resolve(SweepRunner.RESULT);
      FileTime before = Files.getLastModifiedTime(done);

      List<PointResult> second = SweepRunner.run(spark, base,
          new SweepConfig(List.of(0.0, 0.5, 1.0), List.of(1L), "egomask-train", 1, out, tmp.resolve("hold").toString()));
      assertEquals(3, second.size());
      assertEquals(before, Files.getLastModifiedTime(done), "a finished point is not trained again");
      assertEquals(first.get(0).ego(), second.get(0).ego());
      assertEquals(0.5, second.get(1).realisedShare("egomask-train"), 0);
      SweepReport.write(second, "egomask-train", tmp.resolve("sweep"));
      assertTrue(Files.size(tmp.resolve("sweep/plot.png")) > 1000);
    } finally {
      spark.stop();
    }
  }
}
