package org.egotune.cluster.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.egotune.cluster.gpu.GpuAssignment;
import org.egotune.cluster.gpu.GpuBinding;
import org.egotune.cluster.spark.HadoopConfEntries;
import org.egotune.mixer.mix.MixEntry;
import org.egotune.mixer.mix.MixSource;
import org.egotune.mixer.mix.RatioMixer;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.data.BatchMaker;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.loop.LocalTrainer;

/**
 * The work of one Spark task in one round: for each of its {@code workersPerTask} consecutive
 * workers (in parallel threads when there are several, each on its own GPU), load the broadcast
 * state into this executor's cached trainer and train the worker's slice of the next steps of the
 * global order; then add the workers' results in worker order (the node-level stage of
 * {@link Reduction}) and return that partial sum. The result is a pure function of (round input,
 * task index, job spec), so a task that Spark retries on another executor returns exactly the same
 * result.
 */
final class WorkerTask implements java.io.Serializable {
  private final String runId;
  private final ModelConfig model;
  private final TrainConfig train;
  private final List<SourceSpec> sources;
  private final int workers;
  private final int workersPerTask;
  private final boolean averageOptimizer;
  /** The driver's Hadoop configuration, for opening shards (hdfs:///, spark.hadoop.* settings). */
  private final Broadcast<HadoopConfEntries> hadoopConf;
  /**
   * The positional-encoding buffer the run started from (model.weights), or null for the one
   * model.initSeed builds: it is a constant of the graph, not a broadcast parameter.
   */
  private final float[] positionalEncoding;

  /** Per-executor state kept between rounds, so a worker does not rebuild its network every round. */
  private static final Map<String, WorkerState> CACHE = new ConcurrentHashMap<>();

  /** Threads for the workers of a task beyond its first; reused across rounds and jobs. */
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "egotune-worker");
    t.setDaemon(true);
    return t;
  });

  /** Test seam: runs at the end of every task attempt (group, attempt number), before it returns. */
  interface AttemptHook {
    void afterTask(int group, int attempt) throws Exception;
  }

  static volatile AttemptHook attemptHook = (g, a) -> {};

  WorkerTask(String runId, ModelConfig model, TrainConfig train, List<SourceSpec> sources, int workers,
      int workersPerTask, boolean averageOptimizer, Broadcast<HadoopConfEntries> hadoopConf,
      float[] positionalEncoding) {
    this.runId = runId;
    this.model = model;
    this.train = train;
    this.sources = List.copyOf(sources);
    this.workers = workers;
    this.workersPerTask = workersPerTask;
    this.averageOptimizer = averageOptimizer;
    this.hadoopConf = hadoopConf;
    this.positionalEncoding = positionalEncoding;
  }

  /** Runs task {@code group} of a round: its workers, then their partial sum. */
  GroupResult runGroup(int group, Broadcast<RoundInput> round) {
    long t0 = System.nanoTime();
    // GPU scheduling: the task holds one GPU per worker (none on the CPU backend); each worker's
    // thread binds to its own. Read on the task's thread: Spark's task context is per thread.
    List<GpuAssignment> gpus = GpuBinding.currentTask(workersPerTask);
    RoundInput in = round.value();
    long t1 = System.nanoTime();
    long startMicros = epochMicros();
    int first = group * workersPerTask;
    List<WorkerResult> results = new ArrayList<>(workersPerTask);
    if (workersPerTask == 1) {
      GpuBinding.bindThread(gpus.get(0));
      results.add(run(first, in, gpus.get(0)));
    } else {
      List<Future<WorkerResult>> running = new ArrayList<>(workersPerTask);
      for (int j = 0; j < workersPerTask; j++) {
        int worker = first + j;
        GpuAssignment gpu = gpus.get(j);
        running.add(THREADS.submit(() -> {
          GpuBinding.bindThread(gpu);
          return run(worker, in, gpu);
        }));
      }
      try {
        for (Future<WorkerResult> f : running) {
          results.add(f.get());
        }
      } catch (InterruptedException e) {
        running.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new IllegalStateException("task " + group + " interrupted while its workers trained", e);
      } catch (ExecutionException e) {
        running.forEach(f -> f.cancel(true));
        Throwable c = e.getCause();
        throw c instanceof RuntimeException re ? re : new IllegalStateException(
            "task " + group + ": a worker failed: " + c, c);
      }
    }
    long t2 = System.nanoTime();
    long endMicros = epochMicros();
    GroupResult partial = Reduction.partial(group, results, averageOptimizer, null);
    long t3 = System.nanoTime();
    TaskContext tc = TaskContext.get();
    try {
      attemptHook.afterTask(group, tc == null ? 0 : tc.attemptNumber());
    } catch (Exception e) {
      throw new IllegalStateException("task " + group + ": " + e.getMessage(), e);
    }
    return partial.withTiming(new GroupResult.TaskTiming(t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t0,
        startMicros, endMicros));
  }

  static long epochMicros() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  /** One worker's local steps; the caller has bound this thread to {@code gpu}. */
  WorkerResult run(int worker, RoundInput in, GpuAssignment gpu) {
    // A cached trainer's arrays live on one device, so the cache key names the device.
    String key = runId + "#" + worker + (gpu.device().isPresent() ? "@gpu" + gpu.device().getAsInt() : "");
    WorkerState st = CACHE.computeIfAbsent(key, k -> new WorkerState(this));
    synchronized (st) {
      st.trainer.setParams(in.params());
      st.trainer.setOptimizerState(in.optimizer());
      st.trainer.setIteration(in.iteration());
      double lossSum = 0;
      long samples = 0;
      for (int s = 0; s < in.steps(); s++) {
        long step = in.firstStep() + (long) s;
        List<MixEntry> entries = st.mixer.workerBatch(step, worker, workers, train.batchSize());
        List<Sample> batchSamples = new ArrayList<>(entries.size());
        long[] positions = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
          MixEntry e = entries.get(i);
          batchSamples.add(st.dataset(e.source()).get(e.index()));
          positions[i] = e.position();
        }
        Batch b = st.batches.make(batchSamples, positions);
        if (s == 0) {
          // One forward pass per round for progress reporting (see LocalTrainer.step).
          lossSum = st.trainer.loss(b, positions[0]);
        }
        // The first global position seeds the loss's point draws: unique to this batch.
        st.trainer.step(b, positions[0]);
        samples += entries.size();
      }
      return new WorkerResult(worker, samples, lossSum, 1, st.trainer.params(),
          st.trainer.optimizerState());
    }
  }

  /** Drops this run's cached workers (called by the driver when a local-mode job ends). */
  static void release(String runId) {
    CACHE.keySet().removeIf(k -> k.startsWith(runId + "#"));
  }

  private static final class WorkerState {
    final LocalTrainer trainer;
    final RatioMixer mixer;
    final BatchMaker batches;
    final List<SourceSpec> sources;
    final Map<Integer, ShardedDataset> open = new LinkedHashMap<>();
    final Configuration conf;

    WorkerState(WorkerTask t) {
      this.trainer = new LocalTrainer(t.model, t.train);
      InitialWeights.setPositionalEncoding(trainer.model(), t.positionalEncoding);
      List<MixSource> ms = new ArrayList<>();
      for (SourceSpec s : t.sources) {
        ms.add(new MixSource(s.name(), s.size(), s.weight()));
      }
      this.mixer = new RatioMixer(ms, t.train.seed());
      this.sources = t.sources;
      this.conf = t.hadoopConf.value().toConfiguration();
      // Feature presets read <shards>/features/<source>/ beside the dataset shards <shards>/<source>/.
      FeatureStore features = !t.model.usesFeatures() || t.sources.isEmpty() ? null
          : new FeatureStore(conf, FeatureStore.rootOf(new Path(t.sources.get(0).dir()).getParent().toString()),
              t.model, 8);
      this.batches = new BatchMaker(t.model, t.train.framesPerSample(), t.train.seed(), features);
    }

    ShardedDataset dataset(int source) {
      return open.computeIfAbsent(source, i -> {
        try {
          // Shards are read whole; keep enough of them that the mixed order does not thrash the cache.
          return ShardedDataset.open(conf, new Path(sources.get(i).dir()), 64, true);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open dataset " + sources.get(i).dir(), e);
        }
      });
    }
  }
}
