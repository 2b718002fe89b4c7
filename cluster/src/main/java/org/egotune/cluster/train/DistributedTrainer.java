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
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
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
      double seconds,
      List<RoundTimes> roundTimes) {}

  private final JobConfig cfg;
  private final Configuration conf;
  /**
   * What {@code model.weights} loaded at the start of the run (carried over from the checkpoint on
   * --resume), for every checkpoint's meta; null when the run started from the seeded initialisation.
   */
  private ObjectNode initialWeights;

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
    boolean fromCheckpoint = false;
    if (resume) {
      var latest = store.loadForResume();
      if (latest.isPresent()) {
        CheckpointData c = latest.get();
        checkCompatible(c, params.length, optimizer.length, workers);
        params = c.params();
        optimizer = c.optimizer();
        iteration = c.iteration();
        step = c.step();
        fromCheckpoint = true;
        if (c.meta().path("initialWeights").isObject()) {
          initialWeights = (ObjectNode) c.meta().get("initialWeights").deepCopy();
        }
        LOG.info("resuming from {} at step {}", store.latestDir().orElseThrow(), step);
      } else {
        LOG.info("--resume: no checkpoint in {}, starting from scratch", store.dir());
      }
    } else if (store.latestDir().isPresent()) {
      throw new IllegalStateException("checkpoint directory " + store.dir() + " already holds a"
          + " checkpoint; pass --resume to continue that run or choose another output directory");
    }
    // On --resume the checkpoint's parameters win; the file only seeds a fresh run.
    if (!fromCheckpoint) {
      InitialWeights w = initialWeights(driverModel.model(), cfg.model().weights(), conf);
      if (w != null) {
        initialWeights = new ObjectMapper().createObjectNode()
            .put("file", w.file()).put("sha256", w.sha256()).put("tensors", w.tensors())
            .put("skipped", w.skipped());
        // The buffer is a graph constant outside the flat parameters: meta carries it to resumed
        // runs and exports, the task to the workers.
        var pe = initialWeights.putArray("positionalEncoding");
        for (float v : InitialWeights.positionalEncoding(driverModel.model())) {
          pe.add(v);
        }
      }
      params = driverModel.params();
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
    int perTask = cfg.spark().workersPerTask();
    int tasks = cfg.spark().tasks();
    boolean averageOptimizer = cfg.spark().averageOptimizerState();
    WorkerTask task = new WorkerTask(runId, cfg.model(), cfg.train(), sources, workers, perTask,
        averageOptimizer, hadoopConf, InitialWeights.positionalEncoding(initialWeights));
    List<Integer> taskIds = IntStream.range(0, tasks).boxed().toList();
    List<Double> roundLosses = new ArrayList<>();
    List<RoundTimes> roundTimes = new ArrayList<>();
    long samples = (long) step * workers * cfg.train().batchSize();
    Path last = null;
    int round = step / k;
    final int firstStep = step;
    int totalRounds = (totalSteps + k - 1) / k;
    long t0 = System.nanoTime();
    double validationSeconds = 0;
    LOG.info("training {} steps x {} workers x batch {} ({} frames each), averaging every {} steps:"
        + " {} rounds of {} task(s) x {} worker(s)", totalSteps, workers, cfg.train().batchSize(),
        cfg.train().framesPerSample(), k, totalRounds, tasks, perTask);
    try {
      // A round runs from the end of the previous one, so the driver's bookkeeping between rounds
      // (writing metrics.jsonl) is part of the next round's time.
      long roundStart = t0;
      while (step < totalSteps) {
        int steps = Math.min(k, totalSteps - step);
        long a = System.nanoTime();
        Broadcast<RoundInput> bc =
            jsc.broadcast(new RoundInput(params, optimizer, iteration, step, steps));
        long b = System.nanoTime();
        List<GroupResult> results = new ArrayList<>(jsc.parallelize(taskIds, tasks)
            .map(g -> task.runGroup(g, bc))
            .collect());
        long c = System.nanoTime();
        bc.destroy();
        long d = System.nanoTime();
        results.sort(Comparator.comparingInt(GroupResult::group));
        float[][] avg = Reduction.combine(results, averageOptimizer);
        long e = System.nanoTime();
        params = avg[0];
        optimizer = avg[1];
        iteration += steps;
        step += steps;
        round++;
        long roundSamples = results.stream().mapToLong(GroupResult::samples).sum();
        samples += roundSamples;
        double loss = results.stream().mapToDouble(GroupResult::lossSum).sum()
            / results.stream().mapToInt(GroupResult::lossSteps).sum();
        roundLosses.add(loss);
        try {
          requireFinite(params, loss, step - steps, step,
              last != null ? last : store.latestDir().orElse(null));
        } catch (IllegalStateException ex) {
          writeLog(log, false); // the curve up to the last good round, for the post-mortem
          throw ex;
        }
        Map<String, Double> val = Map.of();
        long validationNanos = 0;
        if (validation != null && validation.due(step - steps, step)) {
          long v0 = System.nanoTime();
          val = validation.score(params);
          validationNanos = System.nanoTime() - v0;
          validationSeconds += validationNanos / 1e9;
        }
        long ckpt = 0;
        boolean checkpointed = round % cfg.checkpoint().everyRounds() == 0 || step == totalSteps;
        if (checkpointed) {
          long f = System.nanoTime();
          last = store.save(
              new CheckpointData(step, iteration, samples, params, optimizer, meta(sources, samples, roundLosses)),
              Map.of("model.fb", modelFile(params)));
          ckpt = System.nanoTime() - f;
        }
        long roundEnd = System.nanoTime();
        // Validation time is not training time: it stays out of the round's time split, samples/s
        // and the clock.
        RoundTimes times = RoundTimes.of((b - a) + (d - c), c - b,
            results.stream().map(GroupResult::timing).toList(), e - d, ckpt,
            roundEnd - roundStart - validationNanos);
        roundTimes.add(times);
        roundStart = roundEnd;
        double elapsed = (roundEnd - t0) / 1e9 - validationSeconds;
        log.add(new RoundMetrics(round, step, totalSteps, loss, roundSamples / times.total(), samples,
            elapsedBefore + elapsed, countsMixer.countsUpTo(samples), times, val));
        double eta = elapsed / (step - firstStep) * (totalSteps - step);
        progress.round(new TrainingProgress.Round(round, totalRounds, step, totalSteps, loss,
            roundSamples / times.total(), eta, val, split(times)));
        if (checkpointed) {
          LOG.info("round {}: checkpoint {} ({} ms)", round, last, Math.round(ckpt / 1e6));
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
        last == null ? store.latestDir().orElse(null) : last, seconds, roundTimes);
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

  /** The round's time split for a log line, in milliseconds. */
  public static String split(RoundTimes t) {
    return String.format("time ms: broadcast %.0f, compute %.0f, reduce %.0f, scheduling %.0f,"
        + " update %.0f, checkpoint %.0f; overhead %.1f%%", t.broadcast() * 1e3, t.compute() * 1e3,
        t.reduce() * 1e3, t.scheduling() * 1e3, t.update() * 1e3, t.checkpoint() * 1e3,
        100 * t.overheadShare());
  }

  /**
   * Sample-weighted average of results given in worker order, with one worker per task: the flat
   * reduction, {@link Reduction} with singleton groups.
   */
  static float[][] average(List<WorkerResult> results, boolean averageOptimizer) {
    List<GroupResult> partials = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      partials.add(Reduction.partial(i, List.of(results.get(i)), averageOptimizer, null));
    }
    return Reduction.combine(partials, averageOptimizer);
  }

  private List<SourceSpec> sources() {
    List<SourceSpec> out = new ArrayList<>();
    // a group key "a+b" splits its weight by the members' sizes
    Map<String, Double> mix = cfg.data().resolvedMix(conf);
    for (Map.Entry<String, Double> e : mix.entrySet()) {
      Path dir = new Path(cfg.data().shards(), e.getKey());
      long size;
      try {
        size = DatasetManifest.read(conf, dir).totalSamples();
      } catch (IOException ex) {
        // A missing or incomplete dataset is the user's to fix: exit code 2, like a bad flag.
        throw new IllegalArgumentException("data.mix." + e.getKey() + ": cannot read the prepared dataset "
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

  /**
   * Loads {@code weights} (empty: none) into {@code model}, logging what was loaded; null when
   * there is nothing to load.
   */
  static InitialWeights initialWeights(SegModel model, String weights, Configuration conf) {
    if (weights.isEmpty()) {
      return null;
    }
    InitialWeights w = InitialWeights.load(model, weights, conf);
    LOG.info("starting from model.weights {}: {} tensors loaded, {} not in the model skipped, sha256 {}",
        w.file(), w.tensors(), w.skipped(), w.sha256());
    return w;
  }

  private ObjectNode meta(List<SourceSpec> sources, long samples, List<Double> losses) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode m = om.createObjectNode();
    m.set("config", ConfigLoader.toTree(cfg));
    m.put("egotuneVersion", org.egotune.trainer.run.Version.get());
    m.put("workers", cfg.spark().workers());
    m.put("ompNumThreads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    ObjectNode counts = m.putObject("realisedCounts");
    new RatioMixer(mixSources(sources), cfg.train().seed()).countsUpTo(samples).forEach(counts::put);
    if (initialWeights != null) {
      m.set("initialWeights", initialWeights);
    }
    m.put("lastRoundLoss", losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1));
    return m;
  }

  /**
   * Sets {@code model}'s positional-encoding buffer to the one the checkpoint with this meta started
   * from when it started from model.weights (the flat parameters do not hold it).
   */
  public static void restoreInitialBuffers(SegModel model, com.fasterxml.jackson.databind.JsonNode meta) {
    InitialWeights.setPositionalEncoding(model, InitialWeights.positionalEncoding(meta.get("initialWeights")));
  }

  /** The model in DL4J's SameDiff format (FlatBuffers) with the given parameters. */
  private byte[] modelFile(float[] params) {
    SegModel m = SegModel.withParams(cfg.model(), params);
    InitialWeights.setPositionalEncoding(m, InitialWeights.positionalEncoding(initialWeights));
    return m.toModelFile();
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
