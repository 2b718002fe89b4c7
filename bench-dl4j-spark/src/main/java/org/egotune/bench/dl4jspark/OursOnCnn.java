package org.egotune.bench.dl4jspark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * EgoTune's round design (org.egotune.cluster.train.DistributedTrainer) on a ComputationGraph, for
 * the side-by-side: the driver broadcasts parameters and Adam's state, one task per worker sets them
 * into a network it keeps between rounds, trains its next k minibatches (built in the task from
 * their index, as EgoTune's tasks read their own shards), and the driver sums the results in worker
 * order in double precision and divides.
 */
final class OursOnCnn {
  private OursOnCnn() {}

  record Round(float[] params, float[] updater, int iteration, int firstBatch) implements Serializable {}

  /** A worker's state after its k steps, and where its task spent the time (nanoseconds). */
  record Result(int worker, float[] params, float[] updater, long fetchNs, long setNs, long computeNs,
      long extractNs) implements Serializable {}

  /** Phase times summed over the rounds of one run (driver) and over its tasks (task), in ns. */
  static final class Timers {
    long broadcast;
    long job;
    long mean;
    long rounds;
    long taskFetch;
    long taskSet;
    long taskCompute;
    long taskExtract;
    long maxTaskCompute;

    String describe() {
      return String.format("rounds %d: driver broadcast %.0f ms, Spark job (task launch .. results back) %.0f ms,"
          + " driver mean %.0f ms; tasks: broadcast read %.0f ms, net (built in round 1) + set params and Adam state %.0f ms, k steps %.0f ms"
          + " (slowest task per round, summed: %.0f ms), params/state out %.0f ms", rounds, broadcast / 1e6,
          job / 1e6, mean / 1e6, taskFetch / 1e6, taskSet / 1e6, taskCompute / 1e6, maxTaskCompute / 1e6,
          taskExtract / 1e6);
    }
  }

  /** Networks kept per (run, worker) in each executor JVM. */
  private static final Map<String, ComputationGraph> NETS = new ConcurrentHashMap<>();

  /** Trains {@code rounds} rounds of k minibatches per worker; returns the final parameters. */
  static float[] train(JavaSparkContext sc, String run, int workers, int k, int rounds, int frames,
      double lr, int bottleneck, Timers timers) {
    ComputationGraph net = new ComputationGraph(TinyCnn.conf(7, lr, bottleneck));
    net.init();
    float[] params = net.params().toFloatVector();
    float[] updater = net.getUpdater().getStateViewArray().toFloatVector();
    List<Integer> ids = IntStream.range(0, workers).boxed().toList();
    for (int r = 0; r < rounds; r++) {
      long a = System.nanoTime();
      Broadcast<Round> bc = sc.broadcast(new Round(params, updater, r * k, r * k * workers));
      long b = System.nanoTime();
      List<Result> rs = new ArrayList<>(sc.parallelize(ids, workers)
          .map(w -> step(run, w, workers, k, frames, lr, bottleneck, bc)).collect());
      long c = System.nanoTime();
      bc.destroy();
      rs.sort(Comparator.comparingInt(Result::worker));
      params = mean(rs.stream().map(Result::params).toList());
      updater = mean(rs.stream().map(Result::updater).toList());
      long d = System.nanoTime();
      if (timers != null) {
        timers.rounds++;
        timers.broadcast += b - a;
        timers.job += c - b;
        timers.mean += d - c;
        for (Result x : rs) {
          timers.taskFetch += x.fetchNs();
          timers.taskSet += x.setNs();
          timers.taskCompute += x.computeNs();
          timers.taskExtract += x.extractNs();
        }
        timers.maxTaskCompute += rs.stream().mapToLong(Result::computeNs).max().orElse(0);
      }
    }
    NETS.keySet().removeIf(key -> key.startsWith(run + "#"));
    return params;
  }

  private static Result step(String run, int worker, int workers, int k, int frames, double lr,
      int bottleneck, Broadcast<Round> bc) {
    long t0 = System.nanoTime();
    Round in = bc.value();
    long t1 = System.nanoTime();
    ComputationGraph net = NETS.computeIfAbsent(run + "#" + worker, key -> {
      ComputationGraph g = new ComputationGraph(TinyCnn.conf(7, lr, bottleneck));
      g.init();
      return g;
    });
    synchronized (net) {
      net.setParams(Nd4j.create(in.params()));
      INDArray state = net.getUpdater().getStateViewArray();
      state.assign(Nd4j.create(in.updater()).reshape(state.shape()));
      net.getConfiguration().setIterationCount(in.iteration());
      long t2 = System.nanoTime();
      for (int s = 0; s < k; s++) {
        // minibatch order: step-major, then worker, as the PATM side's RDD order
        net.fit(TinyCnn.batch(in.firstBatch() + (long) s * workers + worker, frames));
      }
      long t3 = System.nanoTime();
      float[] p = net.params().toFloatVector();
      float[] u = net.getUpdater().getStateViewArray().toFloatVector();
      return new Result(worker, p, u, t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3);
    }
  }

  /** Equal-weight mean (every worker trains the same number of samples), summed in worker order. */
  private static float[] mean(List<float[]> xs) {
    double[] acc = new double[xs.get(0).length];
    for (float[] x : xs) {
      for (int i = 0; i < acc.length; i++) {
        acc[i] += x[i];
      }
    }
    float[] out = new float[acc.length];
    for (int i = 0; i < acc.length; i++) {
      out[i] = (float) (acc[i] / xs.size());
    }
    return out;
  }
}
