package org.egotune.bench.dl4jspark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Throughput of DL4J's ParameterAveragingTrainingMaster against EgoTune's round design, on the same
 * ComputationGraph ({@link TinyCnn}), the same minibatches, workers, batch and averaging frequency,
 * in one Spark context, alternating the two sides. Prints samples/s (a sample = one frame here) per
 * repeat and the median ratio. Usage: {@code PatmComparison [workers] [k] [rounds] [repeats]}.
 */
public final class PatmComparison {
  private PatmComparison() {}

  public static void main(String[] args) {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int frames = 16; // the default job's batch: 4 samples x 4 frames
    double lr = 3e-3;
    // DL4J's Spark master asks an NTP server for the time by default; there is none offline.
    System.setProperty("org.deeplearning4j.spark.time.TimeSource",
        "org.deeplearning4j.spark.time.SystemClockTimeSource");
    SparkConf conf = new SparkConf().setAppName("patm-vs-egotune").setMaster("local[" + workers + "]")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      int batches = rounds * k * workers;
      List<DataSet> data = new ArrayList<>(batches);
      for (int i = 0; i < batches; i++) {
        data.add(TinyCnn.batch(i, frames));
      }
      JavaRDD<DataSet> rdd = sc.parallelize(data, workers).cache();
      rdd.count();
      long samples = (long) batches * frames;
      System.out.printf("workers %d, k %d, rounds %d (%d minibatches of %d frames), repeats %d%n",
          workers, k, rounds, batches, frames, repeats);
      patm(sc, rdd, workers, k, frames, lr); // warm-up
      OursOnCnn.train(sc, "warm", workers, k, 2, frames, lr);
      double[] ours = new double[repeats];
      double[] theirs = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        patm(sc, rdd, workers, k, frames, lr);
        theirs[r] = samples / ((System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        OursOnCnn.train(sc, "run" + r, workers, k, rounds, frames, lr);
        ours[r] = samples / ((System.nanoTime() - t0) / 1e9);
        System.out.printf("repeat %d: PATM %.1f frames/s, EgoTune round %.1f frames/s, ratio %.2f%n",
            r + 1, theirs[r], ours[r], ours[r] / theirs[r]);
      }
      double[] ratio = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        ratio[r] = ours[r] / theirs[r];
      }
      System.out.printf("median: PATM %.1f, EgoTune round %.1f frames/s; ratio %.2f (min %.2f, max %.2f)%n",
          median(theirs), median(ours), median(ratio), Arrays.stream(ratio).min().orElse(0),
          Arrays.stream(ratio).max().orElse(0));
    }
  }

  private static void patm(JavaSparkContext sc, JavaRDD<DataSet> rdd, int workers, int k, int frames, double lr) {
    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(workers, frames)
        .averagingFrequency(k)
        .batchSizePerWorker(frames)
        .workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .collectTrainingStats(false)
        .build();
    SparkComputationGraph net = new SparkComputationGraph(sc, TinyCnn.conf(7, lr), tm);
    net.fit(rdd);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
