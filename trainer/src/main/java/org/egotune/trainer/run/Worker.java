package org.egotune.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.mix.MixEntry;
import org.egotune.mixer.mix.ResolvedSource;
import org.egotune.mixer.mix.RatioMixer;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.data.BatchMaker;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.loop.LocalTrainer;

/**
 * One worker's state in a process, kept between rounds so that it does not rebuild its network or
 * reopen its shards every round, and its k-step loop: load the round's state, train the worker's
 * slice of the next steps of the global order, return the result. The result is a pure function of
 * (round input, worker index, run spec), so a retried task returns exactly the same bits.
 */
final class Worker {
  /** Test seam: the global positions each worker reads, as it reads them. */
  interface PositionsHook {
    void read(int worker, long firstPosition, int count);
  }

  static volatile PositionsHook positionsHook = (w, p, n) -> {};

  private final RunSpec spec;
  private final LocalTrainer trainer;
  private final RatioMixer mixer;
  private final BatchMaker batches;
  private final Map<Integer, ShardedDataset> open = new LinkedHashMap<>();
  private final Configuration conf;

  Worker(RunSpec spec, Configuration conf) {
    this.spec = spec;
    this.conf = conf;
    this.trainer = new LocalTrainer(spec.model(), spec.train());
    InitialWeights.setPositionalEncoding(trainer.model(), spec.positionalEncoding());
    this.mixer = ResolvedSource.mixer(spec.sources(), spec.train().seed());
    List<ResolvedSource> sources = spec.sources();
    // Feature presets read <shards>/features/<source>/ beside the dataset shards <shards>/<source>/.
    FeatureStore features = !spec.model().usesFeatures() || sources.isEmpty() ? null
        : new FeatureStore(conf, FeatureStore.rootOf(new Path(sources.get(0).dir()).getParent().toString()),
            spec.model(), 8);
    this.batches = new BatchMaker(spec.model(), spec.train().framesPerSample(), spec.train().seed(), features);
  }

  /** Worker {@code worker}'s local steps of the round; the caller has bound this thread to its device. */
  synchronized WorkerResult run(int worker, RoundInput in) {
    trainer.setParams(in.params());
    trainer.setOptimizerState(in.optimizer());
    trainer.setIteration(in.iteration());
    int b = spec.train().batchSize();
    double lossSum = 0;
    long samples = 0;
    for (int s = 0; s < in.steps(); s++) {
      long first = in.position(s, worker, spec.workers(), b);
      positionsHook.read(worker, first, b);
      Batch batch;
      long[] positions = new long[b];
      try {
        List<MixEntry> entries = mixer.range(first, b);
        List<Sample> batchSamples = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
          MixEntry e = entries.get(i);
          batchSamples.add(dataset(e.source()).get(e.index()));
          positions[i] = e.position();
        }
        batch = batches.make(batchSamples, positions);
      } catch (RuntimeException e) {
        DatasetFormatException bad = badInput(e);
        if (bad == null) {
          throw e;
        }
        return WorkerResult.badInput(worker, bad.getMessage());
      }
      if (s == 0) {
        // One forward pass per round for progress reporting (see LocalTrainer.step).
        lossSum = trainer.loss(batch, positions[0]);
      }
      // The first global position seeds the loss's point draws: unique to this batch.
      trainer.step(batch, positions[0]);
      samples += b;
    }
    return new WorkerResult(worker, samples, lossSum, 1, trainer.params(), trainer.optimizerState());
  }

  /** The bad input behind {@code e}, if that is what it is: a damaged shard, feature shard or frame. */
  static DatasetFormatException badInput(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DatasetFormatException d) {
        return d;
      }
    }
    return null;
  }

  private ShardedDataset dataset(int source) {
    return open.computeIfAbsent(source, i -> {
      String dir = spec.sources().get(i).dir();
      try {
        // Shards are read whole; keep enough of them that the mixed order does not thrash the cache.
        return ShardedDataset.open(conf, new Path(dir), 64, true);
      } catch (DatasetFormatException e) {
        throw new UncheckedIOException(e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open dataset " + dir + ": " + e.getMessage(), e);
      }
    });
  }
}
