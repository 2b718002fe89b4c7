package org.egotune.cluster.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.cluster.train.DistributedTrainer;
import org.egotune.trainer.run.TrainingRun;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.MetricTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a ratio ablation: one training per (ego share, seed), identical otherwise (same steps, batch
 * and workers, so the same budget in samples), each scored on the EgoMask-layout benchmark and the
 * exocentric hold-out. Every finished point leaves {@code result.json} in its directory; a sweep
 * started again skips those points and resumes an interrupted one from its last checkpoint.
 */
public final class SweepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);
  static final String RESULT = "result.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SweepRunner() {}

  /** Runs (or resumes) the sweep and returns its points in grid order (share, then seed). */
  public static List<PointResult> run(SparkSession spark, JobConfig base, SweepConfig sweep) {
    if (!base.data().mix().containsKey(sweep.egoSource())) {
      throw new IllegalArgumentException("sweep: ego source '" + sweep.egoSource() + "' is not in data.mix "
          + base.data().mix().keySet());
    }
    if (base.data().benchmark().isBlank()) {
      throw new IllegalArgumentException("sweep: data.benchmark must name the EgoMask-layout benchmark to score on");
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<ClipRecord> bench;
    List<ClipRecord> exo;
    try {
      bench = EgoMaskBenchReader.read(Path.of(base.data().benchmark()), base.data().split());
      exo = sweep.exoHoldout().isBlank() ? List.of()
          : DatasetLayouts.get("ref-youtube-vos").read(Path.of(sweep.exoHoldout()), null, "exo-holdout", null).records();
    } catch (IOException e) {
      throw new UncheckedIOException("sweep: cannot read the evaluation data: " + e.getMessage(), e);
    }
    List<double[]> grid = new ArrayList<>();
    for (double share : sweep.shares()) {
      for (long seed : sweep.seeds()) {
        grid.add(new double[] {share, seed});
      }
    }
    LOG.info("sweep: {} points ({} shares x {} seeds), {} at a time, into {}", grid.size(),
        sweep.shares().size(), sweep.seeds().size(), sweep.concurrency(), sweep.out());
    ExecutorService pool = Executors.newFixedThreadPool(sweep.concurrency());
    try {
      List<Future<PointResult>> futures = new ArrayList<>();
      for (double[] p : grid) {
        futures.add(pool.submit(() -> point(spark, conf, base, sweep, p[0], (long) p[1], bench, exo)));
      }
      List<PointResult> out = new ArrayList<>();
      for (Future<PointResult> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sweep interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("sweep point failed: " + c.getMessage(), c);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The directory of one point. */
  static Path pointDir(SweepConfig sweep, double share, long seed) {
    return Path.of(sweep.out(), "points", String.format(Locale.ROOT, "share-%.3f-seed-%d", share, seed));
  }

  /** The mixture of a point: ego at {@code share}, the others scaled to {@code 1 - share}. */
  static Map<String, Double> mixFor(Map<String, Double> base, String ego, double share) {
    double others = 0;
    for (Map.Entry<String, Double> e : base.entrySet()) {
      if (!e.getKey().equals(ego)) {
        others += e.getValue();
      }
    }
    if (others <= 0 && share < 1) {
      throw new IllegalArgumentException("sweep: data.mix has no other source with a positive weight"
          + " to fill the exocentric share " + (1 - share));
    }
    Map<String, Double> mix = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : base.entrySet()) {
      mix.put(e.getKey(), e.getKey().equals(ego) ? share : (1 - share) * e.getValue() / others);
    }
    // The scaled weights sum to 1 within rounding, which DataConfig and the mixer tolerate; a share
    // of exactly 0 or 1 stays exact, so a source meant to be absent never gets a tiny weight.
    return mix;
  }

  private static PointResult point(SparkSession spark, Configuration conf, JobConfig base, SweepConfig sweep,
      double share, long seed, List<ClipRecord> bench, List<ClipRecord> exo) throws IOException {
    Path dir = pointDir(sweep, share, seed);
    Path result = dir.resolve(RESULT);
    if (Files.isRegularFile(result)) {
      LOG.info("sweep: share {} seed {} already done ({}), skipping", share, seed, result);
      return JSON.readValue(result.toFile(), PointResult.class);
    }
    Map<String, Double> mix = mixFor(base.data().mix(), sweep.egoSource(), share);
    String ckpt = dir.resolve("checkpoints").toString();
    JobConfig job = base.toBuilder()
        .set(JobConfig.DATA, base.data().toBuilder().set(DataConfig.MIX, mix).build())
        .set(JobConfig.TRAIN, base.train().toBuilder().set(TrainConfig.SEED, seed).build())
        .set(JobConfig.CHECKPOINT, base.checkpoint().toBuilder().set(CheckpointConfig.DIR, ckpt).build())
        .build();
    boolean resume = new CheckpointStore(conf, new org.apache.hadoop.fs.Path(ckpt), 1).latestDir().isPresent();
    LOG.info("sweep: share {} seed {}: training{} with mix {}", share, seed, resume ? " (resuming)" : "", mix);
    TrainingRun.Outcome o = new DistributedTrainer(job, conf).run(spark, resume);
    Map<String, Map<String, Object>> ego = new LinkedHashMap<>();
    // Feature presets score on the benchmark's features (<benchmark>/features) and on the exo
    // records' (<shards>/features); tiny ignores them.
    CheckpointEvaluation.evaluate(conf, ckpt, bench, null,
        FeatureStore.rootOf(base.data().benchmark()).toString()).forEach((k, v) -> ego.put(k, v.toJson()));
    Map<String, Object> exoMetrics = Map.of();
    if (!exo.isEmpty()) {
      Map<String, MetricTable.Summary> t = CheckpointEvaluation.evaluate(conf, ckpt, exo, null,
          FeatureStore.rootOf(base.data().shards()).toString());
      exoMetrics = t.values().iterator().next().toJson();
    }
    PointResult r = new PointResult(share, seed, mix, o.realisedCounts(), o.samplesSeen(), ego,
        exoMetrics, o.seconds(), String.valueOf(o.lastCheckpoint()));
    Files.createDirectories(dir);
    Path tmp = dir.resolve(RESULT + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(r));
    Files.move(tmp, result, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("sweep: share {} seed {} done: ego full IoU_gold_with_pred {}", share, seed,
        r.ego(ego.containsKey("full") ? "full" : ego.keySet().iterator().next(), "IoU_gold_with_pred"));
    return r;
  }
}
