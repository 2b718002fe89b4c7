package org.egotune.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.mix.RatioMixer;
import org.egotune.mixer.mix.ResolvedSource;
import org.egotune.mixer.mix.SourceResolver;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.model.SegModel;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.loop.LocalTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run, start to finish: the mixture's global sample order, synchronous rounds of
 * {@code spark.averagingEvery} local steps on {@code spark.workers} workers (done by a
 * {@link ParameterSync}), the order-fixed average of their results, the divergence guard,
 * validation, checkpoints every {@code checkpoint.everySteps} steps, the run log, provenance, and
 * resume. Nothing here knows Spark: the cluster module supplies a sync that runs the groups as
 * Spark tasks, {@link InProcessSync} runs them in this JVM.
 *
 * <p>The run's position is counted in steps and samples, never in rounds: a run resumed with other
 * {@code workers}, {@code workersPerTask} or {@code averagingEvery} continues the mixer's sequence
 * at the first position not yet consumed, and its checkpoint cadence and round numbers continue too.
 */
public final class TrainingRun {
  static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

  /**
   * What a finished run reports. {@code steps}, {@code samplesSeen} and {@code realisedCounts} count
   * the whole run, resumed invocations included; {@code firstStep} and {@code firstSample} are where
   * this invocation started (0 for a fresh run), and {@code roundLosses}, {@code seconds} and
   * {@code roundTimes} cover this invocation only.
   */
  public record Outcome(
      float[] params,
      int steps,
      List<Double> roundLosses,
      Map<String, Long> realisedCounts,
      long samplesSeen,
      Path lastCheckpoint,
      double seconds,
      List<RoundTimes> roundTimes,
      int firstStep,
      long firstSample) {

    /** Optimizer steps this invocation took. */
    public int stepsThisInvocation() {
      return steps - firstStep;
    }

    /** Samples this invocation trained on. */
    public long samplesThisInvocation() {
      return samplesSeen - firstSample;
    }
  }

  private final JobConfig cfg;
  private final Configuration conf;
  /**
   * What {@code model.weights} loaded at the start of the run (carried over from the checkpoint on
   * --resume), for every checkpoint's meta; null when the run started from the seeded initialisation.
   */
  private ObjectNode initialWeights;
  /**
   * The last validation's step, split and metrics, for every later checkpoint's meta (and so the
   * export card); null until the run has validated.
   */
  private ObjectNode lastValidation;

  public TrainingRun(JobConfig cfg, Configuration conf) {
    this.cfg = cfg;
    this.conf = conf;
  }

  /** The job's sources with their prepared sizes. */
  private static List<ResolvedSource> sources(JobConfig cfg, Configuration conf) {
    return SourceResolver.resolve(conf, cfg.data().shards(), cfg.data().mix());
  }

  /**
   * Trains to {@code train.steps} with {@code sync} doing the rounds; with {@code resume}, continues
   * from the latest checkpoint. Every finished round goes to {@code progress}; {@code sync} is closed.
   */
  public Outcome run(ParameterSync sync, boolean resume, TrainingProgress progress) {
    try (sync) {
      return train(sync, resume, progress);
    }
  }

  private Outcome train(ParameterSync sync, boolean resume, TrainingProgress progress) {
    Validation validation = Validation.of(cfg);
    List<ResolvedSource> sources = sources(cfg, conf);
    SourceKinds.check(conf, sources, cfg.model());
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
    long samples = 0;
    int round = 0;
    boolean fromCheckpoint = false;
    if (resume) {
      var latest = store.loadForResume();
      if (latest.isPresent()) {
        CheckpointData c = latest.get();
        checkCompatible(c, params.length, optimizer.length);
        params = c.params();
        optimizer = c.optimizer();
        iteration = c.iteration();
        step = c.step();
        samples = c.mixerPosition();
        // Checkpoints written before rounds were counted in meta: rounds of the job's k.
        round = c.meta().path("round").asInt(step / k);
        fromCheckpoint = true;
        if (c.meta().path("initialWeights").isObject()) {
          initialWeights = (ObjectNode) c.meta().get("initialWeights").deepCopy();
        }
        if (c.meta().path("lastValidation").isObject()) {
          lastValidation = (ObjectNode) c.meta().get("lastValidation").deepCopy();
        }
        LOG.info("resuming from {} at step {} (sample position {}, round {})",
            store.latestDir().orElseThrow(), step, samples, round);
        logElastic(c.meta(), samples);
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
        // runs and exports, the run spec to the workers.
        float[] buffer = InitialWeights.positionalEncoding(driverModel.model());
        if (buffer != null) {
          var pe = initialWeights.putArray("positionalEncoding");
          for (float v : buffer) {
            pe.add(v);
          }
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
    RatioMixer countsMixer = ResolvedSource.mixer(sources, cfg.train().seed());

    RunSpec spec = new RunSpec(UUID.randomUUID().toString(), cfg.model(), cfg.train(), sources, workers,
        cfg.spark().workersPerTask(), cfg.spark().averageOptimizerState(),
        InitialWeights.positionalEncoding(initialWeights));
    List<Double> roundLosses = new ArrayList<>();
    List<RoundTimes> roundTimes = new ArrayList<>();
    Path last = null;
    final int firstStep = step;
    final long firstSample = samples;
    int totalRounds = round + (totalSteps - step + k - 1) / k;
    long t0 = System.nanoTime();
    double validationSeconds = 0;
    LOG.info("training {} steps x {} workers x batch {} ({} frames each), averaging every {} steps:"
        + " {} rounds of {} group(s) x {} worker(s)", totalSteps, workers, cfg.train().batchSize(),
        cfg.train().framesPerSample(), k, totalRounds, spec.groups(), spec.workersPerTask());
    try {
      sync.start(spec, conf);
      // A round runs from the end of the previous one, so the driver's bookkeeping between rounds
      // (writing metrics.jsonl) is part of the next round's time.
      long roundStart = t0;
      while (step < totalSteps) {
        int steps = Math.min(k, totalSteps - step);
        ParameterSync.Round done =
            sync.round(new RoundInput(params, optimizer, iteration, step, steps, samples));
        long d = System.nanoTime();
        List<GroupResult> results = done.groups();
        requireGoodInput(results, step, step + steps);
        float[][] avg = Reduction.combine(results, spec.averageOptimizer());
        long e = System.nanoTime();
        params = avg[0];
        optimizer = avg[1];
        int prevStep = step;
        iteration += steps;
        step += steps;
        round++;
        long roundSamples = results.stream().mapToLong(GroupResult::samples).sum();
        samples += roundSamples;
        double loss = results.stream().mapToDouble(GroupResult::lossSum).sum()
            / results.stream().mapToInt(GroupResult::lossSteps).sum();
        roundLosses.add(loss);
        try {
          requireFinite(params, loss, prevStep, step,
              last != null ? last : store.latestDir().orElse(null));
        } catch (IllegalStateException ex) {
          writeLog(log, false); // the curve up to the last good round, for the post-mortem
          throw ex;
        }
        Map<String, Double> val = Map.of();
        long validationNanos = 0;
        if (validation != null && validation.due(prevStep, step)) {
          long v0 = System.nanoTime();
          val = validation.score(params);
          validationNanos = System.nanoTime() - v0;
          validationSeconds += validationNanos / 1e9;
          lastValidation = validationNode(step, val);
        }
        long ckpt = 0;
        boolean checkpointed = checkpointDue(prevStep, step, cfg.checkpoint().everySteps(), totalSteps);
        if (checkpointed) {
          long f = System.nanoTime();
          last = store.save(
              new CheckpointData(step, iteration, samples, params, optimizer,
                  meta(countsMixer, samples, round, roundLosses)),
              Map.of("model.fb", modelFile(params)));
          ckpt = System.nanoTime() - f;
        }
        long roundEnd = System.nanoTime();
        // Validation time is not training time: it stays out of the round's time split, samples/s
        // and the clock. The sync's own time is split into shipping the state and computing.
        long compute = done.computeNanos();
        RoundTimes times = RoundTimes.of(done.distributeNanos(), compute,
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
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Outcome(params, step, roundLosses, countsMixer.countsUpTo(samples), samples,
        last == null ? store.latestDir().orElse(null) : last, seconds, roundTimes, firstStep, firstSample);
  }

  /**
   * Whether the round that took the run from {@code prevStep} to {@code step} ends with a checkpoint:
   * when it crossed a multiple of {@code everySteps}, and always at the end.
   */
  static boolean checkpointDue(int prevStep, int step, int everySteps, int totalSteps) {
    return step / everySteps > prevStep / everySteps || step == totalSteps;
  }

  /**
   * Bad input met by a worker ends the run with the worker's message (exit code 2 in the CLI): it
   * is the same on every retry, so it comes back as a value and is raised here, once.
   */
  static void requireGoodInput(List<GroupResult> results, int fromStep, int toStep) {
    for (GroupResult r : results) {
      if (r.badInput() != null) {
        throw new UncheckedIOException(new DatasetFormatException(r.badInput()
            + " (found by " + r.describe() + " in steps " + fromStep + ".." + toStep + ")"));
      }
    }
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
   * Sample-weighted average of results given in worker order, with one worker per group: the flat
   * reduction, {@link Reduction} with singleton groups.
   */
  static float[][] average(List<WorkerResult> results, boolean averageOptimizer) {
    List<GroupResult> partials = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      partials.add(Reduction.partial(i, List.of(results.get(i)), averageOptimizer, null));
    }
    return Reduction.combine(partials, averageOptimizer);
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

  private ObjectNode meta(RatioMixer countsMixer, long samples, int round, List<Double> losses) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode m = om.createObjectNode();
    m.set("config", ConfigLoader.toTree(cfg));
    m.put("egotuneVersion", Version.get());
    m.put("workers", cfg.spark().workers());
    m.put("workersPerTask", cfg.spark().workersPerTask());
    m.put("averagingEvery", cfg.spark().averagingEvery());
    m.put("round", round);
    m.put("ompNumThreads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
    m.put("java", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    ObjectNode counts = m.putObject("realisedCounts");
    countsMixer.countsUpTo(samples).forEach(counts::put);
    if (initialWeights != null) {
      m.set("initialWeights", initialWeights);
    }
    m.put("lastRoundLoss", losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1));
    if (lastValidation != null) {
      m.set("lastValidation", lastValidation);
    }
    return m;
  }

  private ObjectNode validationNode(int step, Map<String, Double> metrics) {
    ObjectNode v = new ObjectMapper().createObjectNode();
    v.put("step", step);
    v.put("benchmark", cfg.data().benchmark());
    v.put("split", cfg.data().split());
    ObjectNode m = v.putObject("metrics");
    metrics.forEach(m::put);
    return v;
  }

  /**
   * Sets {@code model}'s positional-encoding buffer to the one the checkpoint with this meta started
   * from when it started from model.weights (the flat parameters do not hold it).
   */
  public static void restoreInitialBuffers(SegModel model, JsonNode meta) {
    InitialWeights.setPositionalEncoding(model, InitialWeights.positionalEncoding(meta.get("initialWeights")));
  }

  /** The model in DL4J's SameDiff format (FlatBuffers) with the given parameters. */
  private byte[] modelFile(float[] params) {
    SegModel m = SegModel.withParams(cfg.model(), params);
    InitialWeights.setPositionalEncoding(m, InitialWeights.positionalEncoding(initialWeights));
    return m.toModelFile();
  }

  /** Says what a resume with another worker layout keeps (the data order) and what it does not. */
  private void logElastic(JsonNode meta, long position) {
    int w = meta.path("workers").asInt(cfg.spark().workers());
    int perTask = meta.path("workersPerTask").asInt(cfg.spark().workersPerTask());
    int k = meta.path("averagingEvery").asInt(cfg.spark().averagingEvery());
    if (w != cfg.spark().workers() || perTask != cfg.spark().workersPerTask()
        || k != cfg.spark().averagingEvery()) {
      LOG.warn("checkpoint was written with workers {}, workersPerTask {}, averagingEvery {}; resuming"
          + " with {}, {}, {}: the sample order continues at position {}, but the parameters will"
          + " differ from a run that kept the first layout (different averaging)", w, perTask, k,
          cfg.spark().workers(), cfg.spark().workersPerTask(), cfg.spark().averagingEvery(), position);
    }
  }

  private static void checkCompatible(CheckpointData c, int nParams, int nOpt) {
    if (c.params().length != nParams || c.optimizer().length != nOpt) {
      throw new IllegalStateException("the checkpoint has " + c.params().length + " parameters and "
          + c.optimizer().length + " optimizer values; this job's model has " + nParams + " and "
          + nOpt + ": resume with the same model config");
    }
  }
}
