package org.egotune.cluster.quickstart;

import org.egotune.trainer.run.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.trainer.export.Exporter;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.cluster.train.DistributedTrainer;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.model.SegModel;
import org.egotune.trainer.eval.Evaluator;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.MetricTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole path on the embedded default, in one call: generate the three datasets in their native
 * layouts, prepare training shards with Spark, score the untrained model, train with parameter
 * averaging on Spark, score the trained model, and export it. What {@code egotune quickstart} runs
 * and what the end-to-end test runs at a smaller size.
 */
public final class Quickstart {
  private static final Logger LOG = LoggerFactory.getLogger(Quickstart.class);

  /**
   * Sizes of a quickstart run.
   *
   * @param out output directory (must not exist, or be empty)
   * @param master Spark master
   * @param egoVideos EgoMask-Train videos to generate
   * @param exoVideos Ref-YouTube-VOS videos to generate
   * @param benchVideos benchmark videos (split over short / medium / long)
   * @param steps optimizer steps per worker
   * @param seed job seed
   */
  public record Options(Path out, String master, int egoVideos, int exoVideos, int benchVideos,
      int steps, long seed) {
    public Options {
      if (out == null) {
        throw new IllegalArgumentException("out must be set");
      }
    }

    /** The quickstart's default sizes: a few minutes on two CPU cores. */
    public static Options defaults(Path out) {
      JobConfig d = JobConfig.defaults();
      return new Options(out, d.spark().master(), 48, 24, 18, d.train().steps(), d.train().seed());
    }
  }

  /** What the run measured and where it put things. */
  public record Report(
      Map<String, MetricTable.Summary> untrained,
      Map<String, MetricTable.Summary> trained,
      double firstLoss,
      double lastLoss,
      Map<String, Long> realisedCounts,
      long samplesSeen,
      double trainSeconds,
      String checkpoint,
      String export) {}

  private Quickstart() {}

  public static Report run(Options o) {
    try {
      if (Files.exists(o.out()) && !isEmptyDir(o.out())) {
        throw new IllegalStateException(o.out() + " is not empty; choose another --out, or pass"
            + " --overwrite to replace an earlier quickstart's output");
      }
      Path raw = o.out().resolve("raw");
      Path ego = raw.resolve("egomask-train");
      Path exo = raw.resolve("ref-youtube-vos");
      Path bench = raw.resolve("egomask-bench");
      LOG.info("[1/6] generating data in {}", raw);
      generate(Layout.EGOMASK_TRAIN, o.seed(), o.egoVideos(), ego);
      generate(Layout.REF_YOUTUBE_VOS, o.seed() + 1, o.exoVideos(), exo);
      generate(Layout.EGOMASK_BENCH, o.seed() + 2, o.benchVideos(), bench);

      JobConfig cfg = job(o);

      SparkSession spark = SparkRuntime.session("egotune-quickstart", o.master());
      try {
        LOG.info("[2/6] preparing shards with Spark ({})", spark.sparkContext().master());
        PrepareJob.run(spark, "egomask-train", ego, cfg.data().shards(), null, 16, false);
        PrepareJob.run(spark, "ref-youtube-vos", exo, cfg.data().shards(), null, 16, false);

        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<ClipRecord> benchRecords = EgoMaskBenchReader.read(bench, "full");
        Evaluator evaluator = new Evaluator(conf, cfg.train().maskThreshold(), cfg.train().presenceThreshold(),
            cfg.model().usesFeatures() ? new FeatureStore(conf, FeatureStore.rootOf(bench.toString()), cfg.model(), 8) : null);
        LOG.info("[3/6] scoring the untrained model on {} benchmark expressions", benchRecords.size());
        Map<String, MetricTable.Summary> before = evaluator.evaluate(SegModel.build(cfg.model()), benchRecords);

        LOG.info("[4/6] training: 80/20 egocentric/exocentric, 2 workers, averaging every {} steps",
            cfg.spark().averagingEvery());
        TrainingRun.Outcome t = new DistributedTrainer(cfg, conf).run(spark, false);

        LOG.info("[5/6] scoring the trained model");
        Map<String, MetricTable.Summary> after =
            CheckpointEvaluation.evaluate(conf, t.lastCheckpoint().toString(), benchRecords, null,
                FeatureStore.rootOf(bench.toString()).toString());

        LOG.info("[6/6] exporting");
        org.apache.hadoop.fs.Path export = Exporter.export(conf, t.lastCheckpoint(),
            new org.apache.hadoop.fs.Path(o.out().resolve("export").toString()), after, false);
        return new Report(before, after, t.roundLosses().get(0),
            t.roundLosses().get(t.roundLosses().size() - 1), t.realisedCounts(), t.samplesSeen(),
            t.seconds(), t.lastCheckpoint().toString(), export.toString());
      } finally {
        spark.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("quickstart failed: " + e.getMessage(), e);
    }
  }

  /**
   * The job a quickstart with options {@code o} trains: 80/20 EgoMask-Train / Ref-YouTube-VOS from
   * {@code out/shards}, two workers, the embedded defaults otherwise ({@code egotune audit} audits
   * this job when given no config).
   */
  public static JobConfig job(Options o) {
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("egomask-train", 0.8);
    mix.put("ref-youtube-vos", 0.2);
    return JobConfig.builder()
        .set(JobConfig.DATA, DataConfig.builder()
            .set(DataConfig.SHARDS, o.out().resolve("shards").toString())
            .set(DataConfig.MIX, mix)
            .set(DataConfig.BENCHMARK, o.out().resolve("raw").resolve("egomask-bench").toString())
            .set(DataConfig.SPLIT, "full").build())
        .set(JobConfig.TRAIN, TrainConfig.builder()
            .set(TrainConfig.STEPS, o.steps()).set(TrainConfig.SEED, o.seed()).build())
        .set(JobConfig.SPARK, SparkConfig.builder()
            .set(SparkConfig.MASTER, o.master()).set(SparkConfig.WORKERS, 2).build())
        .set(JobConfig.CHECKPOINT, CheckpointConfig.builder()
            .set(CheckpointConfig.DIR, o.out().resolve("checkpoints").toString()).build())
        .build();
  }

  private static boolean isEmptyDir(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /**
   * Deletes an earlier quickstart's output directory. Refuses anything that does not look like one
   * (it must hold {@code raw/} and nothing but quickstart outputs), so a mistyped {@code --out} is
   * never wiped.
   */
  public static void deleteOutput(Path out) throws IOException {
    if (!Files.exists(out)) {
      return;
    }
    java.util.Set<String> known = java.util.Set.of("raw", "shards", "checkpoints", "export");
    try (var entries = Files.list(out)) {
      java.util.List<String> names = entries.map(p -> p.getFileName().toString()).toList();
      if (!names.isEmpty() && (!names.contains("raw") || !known.containsAll(names))) {
        throw new IllegalStateException(out + " does not look like a quickstart output (expected only "
            + known + ", found " + names + "); not deleting it");
      }
    }
    try (var walk = Files.walk(out)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void generate(Layout layout, long seed, int videos, Path dir) throws IOException {
    SynthConfig d = SynthConfig.defaults(layout);
    var s = SyntheticDatasets.generate(
        new SynthConfig(layout, seed, videos, d.frames(), d.height(), d.width()), dir);
    LOG.info("  {}: {} videos, {} expressions, {} frames", layout.id(), s.videos(), s.expressions(), s.frames());
  }
}
