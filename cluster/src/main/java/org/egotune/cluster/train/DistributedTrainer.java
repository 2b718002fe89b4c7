package org.egotune.cluster.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.config.ConfigLoader;
import org.egotune.cluster.config.JobConfig;
import org.egotune.cluster.spark.HadoopConfEntries;
import org.egotune.mixer.mix.MixSource;
import org.egotune.mixer.mix.RatioMixer;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.model.SegModel;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.loop.LocalTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training on Spark in synchronous rounds: the driver broadcasts parameters and
 * optimizer state, each of the W workers (one task each) trains k local steps on its slice of the
 * mixed global order, and the driver averages the results weighted by samples seen, then
 * checkpoints every n rounds. See docs/architecture.md ("The training round") for why the sum is
 * taken in worker order on the driver.
 */
public final class DistributedTrainer {
  static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

  /** What a finished run reports. */
  public record Outcome(
      float[] params,
      int steps,
      List<Double> roundLosses,
      Map<String, Long> realisedCounts,
      long samplesSeen,
      Path lastCheckpoint,
      double seconds) {}

  private final JobConfig cfg;
  private final Configuration conf;

  public DistributedTrainer(JobConfig cfg, Configuration conf) {
    this.cfg = cfg;
    this.conf = conf;
  }

  /** Trains to {@code train.steps}, reporting progress as log lines. */
  public Outcome run(SparkSession spark, boolean resume) {
    return run(spark, resume, TrainingProgress.log());
  }

  /**
   * Trains to {@code train.steps}; with {@code resume}, continues from the latest checkpoint. Every
   * finished round goes to {@code progress}.
   */
  public Outcome run(SparkSession spark, boolean resume, TrainingProgress progress) {
    Validation validation = Validation.of(cfg);
    List<SourceSpec> sources = sources();
    int workers = cfg.spark().workers();
    int k = cfg.spark().averagingEvery();
    int totalSteps = cfg.train().steps();
    CheckpointStore store =
        new CheckpointStore(conf, new Path(cfg.checkpoint().dir()), cfg.checkpoint().keepLast());

    LocalTrainer driverModel = new LocalTrainer(cfg.model(), cfg.train());
    float[] params = driverModel.params();
    float[] optimizer = driverModel.optimizerState();
    int iteration = 0;
    int step = 0;
    if (resume) {
      var latest = store.loadLatest();
      if (latest.isPresent()) {
        CheckpointData c = latest.get();
        checkCompatible(c, params.length, optimizer.length, workers);
        params = c.params();
        optimizer = c.optimizer();
        iteration = c.iteration();
        step = c.step();
        LOG.info("resuming from {} at step {}", store.latestDir().orElseThrow(), step);
      } else {
        LOG.info("--resume: no checkpoint in {}, starting from scratch", store.dir());
      }
    } else if (store.latestDir().isPresent()) {
      throw new IllegalStateException("checkpoint directory " + store.dir() + " already holds a"
          + " checkpoint; pass --resume to continue that run or choose another output directory");
    }

    Path runDir = new Path(cfg.checkpoint().dir());
    RunLog log;
    try {
      log = resume ? RunLog.open(conf, runDir, step) : RunLog.fresh(conf, runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run's " + RunLog.FILE + ": " + e.getMessage(), e);
    }
    double elapsedBefore = log.elapsedSeconds();
    RatioMixer countsMixer = new RatioMixer(mixSources(sources), cfg.train().seed());

    String runId = UUID.randomUUID().toString();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HadoopConfEntries> hadoopConf = jsc.broadcast(HadoopConfEntries.of(conf));
    WorkerTask task = new WorkerTask(runId, cfg.model(), cfg.train(), sources, workers, hadoopConf);
    List<Integer> workerIds = IntStream.range(0, workers).boxed().toList();
    List<Double> roundLosses = new ArrayList<>();
    long samples = (long) step * workers * cfg.train().batchSize();
    Path last = null;
    int round = step / k;
    final int firstStep = step;
    int totalRounds = (totalSteps + k - 1) / k;
    long t0 = System.nanoTime();
    double validationSeconds = 0;
    LOG.info("training {} steps x {} workers x batch {} ({} frames each), averaging every {} steps:"
        + " {} rounds", totalSteps, workers, cfg.train().batchSize(), cfg.train().framesPerSample(),
        k, totalRounds);
    try {
      while (step < totalSteps) {
        int steps = Math.min(k, totalSteps - step);
        long roundStart = System.nanoTime();
        Broadcast<RoundInput> bc =
            jsc.broadcast(new RoundInput(params, optimizer, iteration, step, steps));
        List<WorkerResult> results = new ArrayList<>(jsc.parallelize(workerIds, workers)
            .map(w -> task.run(w, bc.value()))
            .collect());
        bc.destroy();
        results.sort(Comparator.comparingInt(WorkerResult::worker));
        float[][] avg = average(results, cfg.spark().averageOptimizerState());
        params = avg[0];
        optimizer = avg[1];
        iteration += steps;
        step += steps;
        round++;
        long roundSamples = results.stream().mapToLong(WorkerResult::samples).sum();
        samples += roundSamples;
        double loss = results.stream().mapToDouble(WorkerResult::lossSum).sum()
            / results.stream().mapToInt(WorkerResult::lossSteps).sum();
        roundLosses.add(loss);
        try {
          requireFinite(params, loss, step - steps, step,
              last != null ? last : store.latestDir().orElse(null));
        } catch (IllegalStateException e) {
          writeLog(log, false); // the curve up to the last good round, for the post-mortem
          throw e;
        }
        double secs = (System.nanoTime() - roundStart) / 1e9;
        // Validation time is not training time: it stays out of samples/s and the clock.
        double elapsed = (System.nanoTime() - t0) / 1e9 - validationSeconds;
        Map<String, Double> val = Map.of();
        if (validation != null && validation.due(step - steps, step)) {
          long v0 = System.nanoTime();
          val = validation.score(params);
          validationSeconds += (System.nanoTime() - v0) / 1e9;
        }
        log.add(new RoundMetrics(round, step, totalSteps, loss, roundSamples / secs, samples,
            elapsedBefore + elapsed, countsMixer.countsUpTo(samples), val));
        double eta = elapsed / (step - firstStep) * (totalSteps - step);
        progress.round(new TrainingProgress.Round(round, totalRounds, step, totalSteps, loss,
            roundSamples / secs, eta, val));
        if (round % cfg.checkpoint().everyRounds() == 0 || step == totalSteps) {
          last = store.save(
              new CheckpointData(step, iteration, samples, params, optimizer, meta(sources, samples, roundLosses)),
              Map.of("model.fb", modelFile(params)));
          writeLog(log, false);
        }
      }
      writeLog(log, true);
    } finally {
      progress.finish();
      WorkerTask.release(runId);
      hadoopConf.destroy();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Outcome(params, step, roundLosses, countsMixer.countsUpTo(samples), samples,
        last == null ? store.latestDir().orElse(null) : last, seconds);
  }

  /** Replaces metrics.jsonl (and with {@code plot}, loss.png); a failure is logged, never fatal. */
  private static void writeLog(RunLog log, boolean plot) {
    try {
      log.write();
      if (plot) {
        log.writePlot();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the run's metrics ({}); training is unaffected", e.toString());
    }
  }

  /**
   * Stops the run when training diverged, before anything is checkpointed: a NaN or infinite loss or
   * parameter would otherwise poison every later checkpoint.
   */
  static void requireFinite(float[] params, double loss, int fromStep, int toStep, Path lastGood) {
    String where = null;
    if (!Double.isFinite(loss)) {
      where = "the loss is " + loss;
    } else {
      for (int i = 0; i < params.length; i++) {
        if (!Float.isFinite(params[i])) {
          where = "parameter " + i + " is " + params[i];
          break;
        }
      }
    }
    if (where != null) {
      throw new IllegalStateException("training diverged in steps " + fromStep + ".." + toStep + ": "
          + where + "; nothing was checkpointed for this round. Last good checkpoint: "
          + (lastGood == null ? "none" : lastGood) + " (lower train.learningRate and resume from it)");
    }
  }

  static String duration(double seconds) {
    return TrainingProgress.duration(seconds);
  }

  /** Sample-weighted average, summed in worker order so the result never depends on task timing. */
  static float[][] average(List<WorkerResult> results, boolean averageOptimizer) {
    int n = results.get(0).params().length;
    int m = results.get(0).optimizer().length;
    double[] p = new double[n];
    double[] o = new double[m];
    double total = 0;
    for (WorkerResult r : results) {
      if (r.params().length != n || r.optimizer().length != m) {
        throw new IllegalStateException("worker " + r.worker() + " returned " + r.params().length
            + " parameters, expected " + n);
      }
      double w = r.samples();
      total += w;
      for (int i = 0; i < n; i++) {
        p[i] += w * r.params()[i];
      }
      for (int i = 0; i < m; i++) {
        o[i] += w * r.optimizer()[i];
      }
    }
    float[] pf = new float[n];
    float[] of = new float[m];
    for (int i = 0; i < n; i++) {
      pf[i] = (float) (p[i] / total);
    }
    if (averageOptimizer) {
      for (int i = 0; i < m; i++) {
        of[i] = (float) (o[i] / total);
      }
    } else {
      of = results.get(0).optimizer().clone();
    }
    return new float[][] {pf, of};
  }

  private List<SourceSpec> sources() {
    List<SourceSpec> out = new ArrayList<>();
    for (Map.Entry<String, Double> e : cfg.data().mix().entrySet()) {
      Path dir = new Path(cfg.data().shards(), e.getKey());
      long size;
      try {
        size = DatasetManifest.read(conf, dir).totalSamples();
      } catch (IOException ex) {
        throw new UncheckedIOException("data.mix." + e.getKey() + ": cannot read the prepared dataset "
            + dir + " (run `egotune prepare` first): " + ex.getMessage(), ex);
      }
      if (size == 0 && e.getValue() > 0) {
        throw new IllegalStateException("data.mix." + e.getKey() + ": dataset " + dir + " is empty");
      }
      out.add(new SourceSpec(e.getKey(), dir.toString(), Math.max(1, size), e.getValue()));
    }
    return out;
  }

  private static List<MixSource> mixSources(List<SourceSpec> s) {
    return s.stream().map(x -> new MixSource(x.name(), x.size(), x.weight())).toList();
  }

  private ObjectNode meta(List<SourceSpec> sources, long samples, List<Double> losses) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode m = om.createObjectNode();
    m.set("config", ConfigLoader.toTree(cfg));
    m.put("egotuneVersion", org.egotune.cluster.cli.Version.get());
    m.put("workers", cfg.spark().workers());
    m.put("ompNumThreads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    ObjectNode counts = m.putObject("realisedCounts");
    new RatioMixer(mixSources(sources), cfg.train().seed()).countsUpTo(samples).forEach(counts::put);
    m.put("lastRoundLoss", losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1));
    return m;
  }

  /** The model in DL4J's SameDiff format (FlatBuffers) with the given parameters. */
  private byte[] modelFile(float[] params) {
    return SegModel.withParams(cfg.model(), params).toModelFile();
  }

  private static void checkCompatible(CheckpointData c, int nParams, int nOpt, int workers) {
    if (c.params().length != nParams || c.optimizer().length != nOpt) {
      throw new IllegalStateException("the checkpoint has " + c.params().length + " parameters and "
          + c.optimizer().length + " optimizer values; this job's model has " + nParams + " and "
          + nOpt + ": resume with the same model config");
    }
    int savedWorkers = c.meta().path("workers").asInt(workers);
    if (savedWorkers != workers) {
      LOG.warn("checkpoint was written with {} workers, resuming with {}: the sample order continues,"
          + " but results will not be bit-identical to the original run", savedWorkers, workers);
    }
  }
}
