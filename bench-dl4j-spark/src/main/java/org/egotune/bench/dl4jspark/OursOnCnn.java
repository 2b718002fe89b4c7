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

  record Result(int worker, float[] params, float[] updater) implements Serializable {}

  /** Networks kept per (run, worker) in each executor JVM. */
  private static final Map<String, ComputationGraph> NETS = new ConcurrentHashMap<>();

  /** Trains {@code rounds} rounds of k minibatches per worker; returns the final parameters. */
  static float[] train(JavaSparkContext sc, String run, int workers, int k, int rounds, int frames,
      double lr) {
    ComputationGraph net = new ComputationGraph(TinyCnn.conf(7, lr));
    net.init();
    float[] params = net.params().toFloatVector();
    float[] updater = net.getUpdater().getStateViewArray().toFloatVector();
    List<Integer> ids = IntStream.range(0, workers).boxed().toList();
    for (int r = 0; r < rounds; r++) {
      Broadcast<Round> bc = sc.broadcast(new Round(params, updater, r * k, r * k * workers));
      List<Result> rs = new ArrayList<>(sc.parallelize(ids, workers)
          .map(w -> step(run, w, workers, k, frames, lr, bc.value())).collect());
      bc.destroy();
      rs.sort(Comparator.comparingInt(Result::worker));
      params = mean(rs.stream().map(Result::params).toList());
      updater = mean(rs.stream().map(Result::updater).toList());
    }
    NETS.keySet().removeIf(key -> key.startsWith(run + "#"));
    return params;
  }

  private static Result step(String run, int worker, int workers, int k, int frames, double lr, Round in) {
    ComputationGraph net = NETS.computeIfAbsent(run + "#" + worker, key -> {
      ComputationGraph g = new ComputationGraph(TinyCnn.conf(7, lr));
      g.init();
      return g;
    });
    synchronized (net) {
      net.setParams(Nd4j.create(in.params()));
      INDArray state = net.getUpdater().getStateViewArray();
      state.assign(Nd4j.create(in.updater()).reshape(state.shape()));
      net.getConfiguration().setIterationCount(in.iteration());
      for (int s = 0; s < k; s++) {
        // minibatch order: step-major, then worker, as the PATM side's RDD order
        net.fit(TinyCnn.batch(in.firstBatch() + (long) s * workers + worker, frames));
      }
      return new Result(worker, net.params().toFloatVector(),
          net.getUpdater().getStateViewArray().toFloatVector());
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
