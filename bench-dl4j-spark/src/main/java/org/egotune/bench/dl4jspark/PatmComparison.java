package org.egotune.bench.dl4jspark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Throughput of DL4J's ParameterAveragingTrainingMaster against EgoTune's round design, on the same
 * ComputationGraph ({@link TinyCnn}, tiny or with its large dense bottleneck), the same minibatches, workers, batch and averaging frequency,
 * in one Spark context, alternating the two sides. Prints frames/s per repeat and the median ratio.
 *
 * <p>Usage: {@code PatmComparison [workers] [k] [rounds] [repeats] [--frames N] [--net tiny|large]
 * [--bottleneck H] [--patm A[,B...]] [--prefetch N] [--repartition always|differs] [--profile]};
 * A is paths, direct, export or legacy (docs/benchmarks.md), several alternate in one run.
 * {@code --net large} adds the dense bottleneck (8.87 M parameters), {@code --bottleneck H} sets
 * its width. {@code --profile} first runs one
 * instrumented epoch per side (DL4J's training stats, Spark's task metrics, EgoTune's phase timers)
 * and prints where the time went.
 */
public final class PatmComparison {
  private PatmComparison() {}

  /** How the PATM side is configured and fed. */
  record PatmSetup(String approach, int prefetch, Repartition repartition) {}

  public static void main(String[] args) throws Exception {
    List<String> pos = new ArrayList<>();
    // The default job: 4 samples x 5 frames per worker step (TrainConfig.defaults()).
    int frames = 20;
    boolean profile = false;
    // DL4J's recommended way to feed a training job: export the minibatches once, fit from paths
    // (see docs/benchmarks.md for why, and for the other approaches measured).
    String approach = "paths";
    int prefetch = 2; // DL4J's default: one async loader thread per worker
    Repartition repartition = Repartition.Always; // DL4J's default
    int bottleneck = 0; // the tiny net
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--frames" -> frames = Integer.parseInt(args[++i]);
        case "--profile" -> profile = true;
        case "--net" -> bottleneck = switch (args[++i]) {
          case "tiny" -> 0;
          case "large" -> TinyCnn.LARGE_BOTTLENECK;
          default -> throw new IllegalArgumentException("--net tiny|large");
        };
        case "--bottleneck" -> bottleneck = Integer.parseInt(args[++i]);
        case "--patm" -> approach = args[++i];
        case "--prefetch" -> prefetch = Integer.parseInt(args[++i]);
        case "--repartition" -> repartition = switch (args[++i]) {
          case "always" -> Repartition.Always;
          case "differs" -> Repartition.NumPartitionsWorkersDiffers;
          default -> throw new IllegalArgumentException("--repartition always|differs");
        };
        default -> pos.add(args[i]);
      }
    }
    int workers = pos.size() > 0 ? Integer.parseInt(pos.get(0)) : 2;
    int k = pos.size() > 1 ? Integer.parseInt(pos.get(1)) : 5;
    int rounds = pos.size() > 2 ? Integer.parseInt(pos.get(2)) : 10;
    int repeats = pos.size() > 3 ? Integer.parseInt(pos.get(3)) : 3;
    double lr = 3e-3;
    // Several approaches ("paths,direct") alternate in one run, each against the same EgoTune repeats.
    List<PatmSetup> setups = new ArrayList<>();
    for (String a : approach.split(",")) {
      setups.add(new PatmSetup(a, prefetch, repartition));
    }
    boolean wantLegacy = setups.stream().anyMatch(x -> x.approach().equals("legacy"));
    boolean wantPaths = setups.stream().anyMatch(x -> x.approach().equals("paths"));
    // DL4J's Spark master asks an NTP server for the time by default; there is none offline.
    System.setProperty("org.deeplearning4j.spark.time.TimeSource",
        "org.deeplearning4j.spark.time.SystemClockTimeSource");
    SparkConf conf = new SparkConf().setAppName("patm-vs-egotune").setMaster("local[" + workers + "]")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
    File exportDir = Files.createTempDirectory("patm-data").toFile();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      int batches = rounds * k * workers;
      int f = frames;
      // The minibatches are built on the executors from their index, never parallelized from a
      // driver-side list: a ParallelCollectionRDD's partition carries its data, so every task
      // reading it (even from the cache) would ship the whole partition (5 MB per task here).
      List<Integer> indices = IntStream.range(0, batches).boxed().toList();
      JavaRDD<DataSet> rdd = sc.parallelize(indices, workers).map(i -> TinyCnn.batch(i, f))
          .persist(StorageLevel.MEMORY_ONLY());
      rdd.count();
      JavaRDD<DataSet> legacyRdd = null;
      if (wantLegacy) {
        // This benchmark's first version, kept to measure what it cost PATM: the list parallelized
        // from the driver, Direct approach, DL4J's default storage level (MEMORY_ONLY_SER).
        List<DataSet> list = new ArrayList<>(batches);
        for (int i = 0; i < batches; i++) {
          list.add(TinyCnn.batch(i, frames));
        }
        legacyRdd = sc.parallelize(list, workers).cache();
        legacyRdd.count();
      }
      // The paths approach: DL4J's documented best practice, the minibatches saved once (not timed,
      // as EgoTune's `prepare` is not timed) and every split loads its files on the workers.
      JavaRDD<String> paths = null;
      if (wantPaths) {
        List<String> files = new ArrayList<>(batches);
        for (int i = 0; i < batches; i++) {
          File out = new File(exportDir, "mds_" + i + ".bin");
          DataSet d = TinyCnn.batch(i, frames);
          new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(), d.getLabels()).save(out);
          files.add(out.toURI().toString());
        }
        paths = sc.parallelize(files, workers).persist(StorageLevel.MEMORY_ONLY());
        paths.count();
      }
      long samples = (long) batches * frames;
      org.deeplearning4j.nn.graph.ComputationGraph probe =
          new org.deeplearning4j.nn.graph.ComputationGraph(TinyCnn.conf(7, lr, bottleneck));
      probe.init();
      long params = probe.numParams();
      System.out.printf("net %s (%,d parameters), workers %d, k %d, rounds %d (%d minibatches of %d frames),"
          + " repeats %d; PATM: %s, workerPrefetchNumBatches %d, repartition %s%n",
          bottleneck == 0 ? "tiny" : "large, bottleneck " + bottleneck, params, workers, k, rounds, batches,
          frames, repeats, approach, prefetch, repartition);
      PatmData data = new PatmData(rdd, legacyRdd, paths, new File(exportDir, "export").getPath());
      for (PatmSetup setup : setups) {
        patm(sc, data, setup, workers, k, frames, lr, bottleneck, false); // warm-up
      }
      OursOnCnn.train(sc, "warm", workers, k, 2, frames, lr, bottleneck, null);
      if (profile) {
        for (PatmSetup setup : setups) {
          profile(sc, data, setup, workers, k, rounds, frames, lr, bottleneck);
        }
      }
      int n = setups.size();
      double[] ours = new double[repeats];
      double[][] theirs = new double[n][repeats];
      for (int r = 0; r < repeats; r++) {
        StringBuilder line = new StringBuilder("repeat " + (r + 1) + ":");
        for (int j = 0; j < n; j++) {
          long t0 = System.nanoTime();
          patm(sc, data, setups.get(j), workers, k, frames, lr, bottleneck, false);
          theirs[j][r] = samples / ((System.nanoTime() - t0) / 1e9);
          line.append(String.format(" PATM %s %.1f,", setups.get(j).approach(), theirs[j][r]));
        }
        long t0 = System.nanoTime();
        OursOnCnn.train(sc, "run" + r, workers, k, rounds, frames, lr, bottleneck, null);
        ours[r] = samples / ((System.nanoTime() - t0) / 1e9);
        line.append(String.format(" EgoTune round %.1f frames/s; ratio", ours[r]));
        for (int j = 0; j < n; j++) {
          line.append(String.format(" %.2f", ours[r] / theirs[j][r]));
        }
        System.out.println(line);
      }
      System.out.printf("median EgoTune round %.1f (%.1f-%.1f) frames/s%n", median(ours), min(ours), max(ours));
      for (int j = 0; j < n; j++) {
        double[] ratio = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          ratio[r] = ours[r] / theirs[j][r];
        }
        System.out.printf("median PATM %s %.1f (%.1f-%.1f) frames/s; ours / PATM %s: %.2f (min %.2f, max %.2f)%n",
            setups.get(j).approach(), median(theirs[j]), min(theirs[j]), max(theirs[j]), setups.get(j).approach(),
            median(ratio), min(ratio), max(ratio));
      }
    } finally {
      deleteTree(exportDir);
    }
  }

  /** PATM's training data in the two forms it can fit from. */
  record PatmData(JavaRDD<DataSet> rdd, JavaRDD<DataSet> legacyRdd, JavaRDD<String> paths, String exportDir) {}

  private static SparkComputationGraph patm(JavaSparkContext sc, PatmData data, PatmSetup s, int workers,
      int k, int frames, double lr, int bottleneck, boolean stats) {
    ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers, frames)
        .averagingFrequency(k)
        .batchSizePerWorker(frames)
        .workerPrefetchNumBatches(s.prefetch())
        // Average Adam's state, as our round does. Explicit: DL4J's javadoc calls this the default,
        // but 1.0.0-M2's Builder leaves it false (each split then restarts Adam from zero moments and
        // ships only the parameters back, a third of the bytes at 8.9 M parameters).
        .saveUpdater(true)
        .repartionData(s.repartition())
        .collectTrainingStats(stats);
    switch (s.approach()) {
      case "direct" -> b.rddTrainingApproach(RDDTrainingApproach.Direct)
          // deserialized objects: the data is already in memory on its executor
          .storageLevel(StorageLevel.MEMORY_ONLY());
      case "legacy" -> b.rddTrainingApproach(RDDTrainingApproach.Direct);
      case "export" -> b.rddTrainingApproach(RDDTrainingApproach.Export).exportDirectory(data.exportDir());
      case "paths" -> { }
      default -> throw new IllegalArgumentException("--patm paths|direct|export|legacy, found " + s.approach());
    }
    SparkComputationGraph net = new SparkComputationGraph(sc, TinyCnn.conf(7, lr, bottleneck), b.build());
    if (s.approach().equals("paths")) {
      net.fitPathsMultiDataSet(data.paths());
    } else if (s.approach().equals("legacy")) {
      net.fit(data.legacyRdd());
    } else {
      net.fit(data.rdd());
    }
    return net;
  }

  /** One instrumented epoch per side; prints where each spent its time. */
  private static void profile(JavaSparkContext sc, PatmData data, PatmSetup s, int workers, int k, int rounds,
      int frames, double lr, int bottleneck) throws java.util.concurrent.TimeoutException {
    TaskMetricsListener l = new TaskMetricsListener();
    sc.sc().addSparkListener(l);
    sc.setJobGroup("patm", "PATM", false);
    long t0 = System.nanoTime();
    SparkComputationGraph net = patm(sc, data, s, workers, k, frames, lr, bottleneck, true);
    double patmWall = (System.nanoTime() - t0) / 1e9;
    sc.setJobGroup("ours", "EgoTune round", false);
    OursOnCnn.Timers timers = new OursOnCnn.Timers();
    t0 = System.nanoTime();
    OursOnCnn.train(sc, "profile", workers, k, rounds, frames, lr, bottleneck, timers);
    double oursWall = (System.nanoTime() - t0) / 1e9;
    sc.clearJobGroup();
    sc.sc().listenerBus().waitUntilEmpty();
    sc.sc().removeSparkListener(l);
    System.out.printf("%n=== profile: PATM (" + s.approach() + ") epoch %.2f s, EgoTune round epoch %.2f s ===%n", patmWall, oursWall);
    System.out.println("--- DL4J's training stats (PATM) ---");
    // statsAsString() needs DL4J's UI module; the sums are what matter here.
    printStats(net.getSparkTrainingStats(), "");
    System.out.println("--- EgoTune round phase timers, summed over rounds (driver) and tasks (task) ---");
    System.out.println(timers.describe());
    System.out.println("--- Spark task metrics per job group and stage call site (ms, summed over tasks) ---");
    System.out.printf("%-6s %-60s %6s %5s %8s %7s %7s %6s %8s %10s %10s %9s%n", "group", "stage", "stages",
        "tasks", "run", "deser", "resSer", "gc", "schedDly", "shufWrite", "shufRead", "result");
    for (Map.Entry<String, Map<String, TaskMetricsListener.Sums>> g : l.byGroup.entrySet()) {
      for (Map.Entry<String, TaskMetricsListener.Sums> e : g.getValue().entrySet()) {
        TaskMetricsListener.Sums x = e.getValue();
        System.out.printf("%-6s %-60s %6d %5d %8d %7d %7d %6d %8d %10d %10d %9d%n", g.getKey(), e.getKey(),
            x.stages, x.tasks, x.runMs, x.deserializeMs, x.resultSerMs, x.gcMs, x.schedulerDelayMs,
            x.shuffleWriteBytes, x.shuffleReadBytes, x.resultBytes);
      }
      long[] j = l.jobs.getOrDefault(g.getKey(), new long[2]);
      System.out.printf("%-6s jobs %d, summed job wall time %d ms%n", g.getKey(), j[1], j[0]);
    }
    System.out.println();
  }

  /** DL4J's stats: per key, events and summed duration; then the nested (worker) stats. */
  private static void printStats(org.deeplearning4j.spark.api.stats.SparkTrainingStats st, String indent) {
    if (st == null) {
      return;
    }
    for (String key : new java.util.TreeSet<>(st.getKeySet())) {
      List<org.deeplearning4j.spark.stats.EventStats> ev = st.getValue(key);
      if (ev == null) {
        continue;
      }
      long sum = ev.stream().mapToLong(org.deeplearning4j.spark.stats.EventStats::getDurationMs).sum();
      System.out.printf("%s%-45s events %4d, summed %7d ms%n", indent, key, ev.size(), sum);
      if (key.contains("WorkerFitTimes")) {
        // Per minibatch in start order, per worker thread: shows whether a split's first
        // minibatches (on a freshly built network) cost more than the rest.
        List<org.deeplearning4j.spark.stats.EventStats> sorted = new ArrayList<>(ev);
        sorted.sort(java.util.Comparator.comparingLong(org.deeplearning4j.spark.stats.EventStats::getStartTime));
        StringBuilder b = new StringBuilder(indent + "  per minibatch ms:");
        for (org.deeplearning4j.spark.stats.EventStats e : sorted) {
          b.append(' ').append(e.getDurationMs());
        }
        System.out.println(b);
      }
    }
    printStats(st.getNestedTrainingStats(), indent + "  ");
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    if (!f.delete() && f.exists()) {
      throw new UncheckedIOException(new IOException("cannot delete " + f));
    }
  }
}
