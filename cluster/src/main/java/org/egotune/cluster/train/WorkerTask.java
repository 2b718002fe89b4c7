package org.egotune.cluster.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
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
 * The work of one worker in one round, run inside a Spark task: load the broadcast state into this
 * executor's cached trainer, train the worker's slice of the next steps of the global order, and
 * return the new state. The result is a pure function of (round input, worker, job spec), so a task
 * that Spark retries on another executor returns exactly the same result.
 */
final class WorkerTask implements java.io.Serializable {
  private final String runId;
  private final ModelConfig model;
  private final TrainConfig train;
  private final List<SourceSpec> sources;
  private final int workers;
  /** The driver's Hadoop configuration, for opening shards (hdfs:///, spark.hadoop.* settings). */
  private final Broadcast<HadoopConfEntries> hadoopConf;

  /** Per-executor state kept between rounds, so a worker does not rebuild its network every round. */
  private static final Map<String, WorkerState> CACHE = new ConcurrentHashMap<>();

  WorkerTask(String runId, ModelConfig model, TrainConfig train, List<SourceSpec> sources, int workers,
      Broadcast<HadoopConfEntries> hadoopConf) {
    this.runId = runId;
    this.model = model;
    this.train = train;
    this.sources = List.copyOf(sources);
    this.workers = workers;
    this.hadoopConf = hadoopConf;
  }

  WorkerResult run(int worker, RoundInput in) {
    // GPU scheduling: bind this task's thread to the GPU Spark gave it (a no-op on the CPU
    // backend). A cached trainer's arrays live on one device, so the cache key names the device.
    GpuAssignment gpu = GpuBinding.bindCurrentTask();
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
          lossSum = st.trainer.loss(b);
        }
        st.trainer.step(b);
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
