package org.egotune.cluster.cli;

import java.util.Arrays;
import org.egotune.cluster.train.RoundBenchmark;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.egotune.model.Backend;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.loop.LocalTrainer;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code egotune bench step}: time of one training step of the default model on fixed random
 * batches, in this JVM, with the ND4J backend and native variant it loaded. Run it under different
 * classpaths or thread counts to compare them (docs/benchmarks.md shows how). {@code egotune bench
 * data}: the data path of one worker next to the training step it feeds ({@link DataBench}).
 * {@code egotune bench round}: the share of a Spark training round spent outside training at the
 * default job config, flat vs two-level reduction ({@link RoundBenchmark}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Micro-benchmarks: 'step' times training steps of the default model; 'data' the data path"
        + " (RLE decode, mixer, shard read + decode + clip sampling) against the training step; 'round' the"
        + " overhead share of a Spark training round at the default config.")
final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Parameters(index = "0", defaultValue = "step", description = "What to measure: step, data or round.")
  String what;

  @Option(names = "--size", defaultValue = "64", description = "data: frame side of the generated clips (default ${DEFAULT-VALUE}, the quickstart's).")
  int size;

  @Option(names = "--positions", defaultValue = "400", description = "data: mixer positions through the data path per repeat (default ${DEFAULT-VALUE}).")
  int positions;

  @Option(names = "--rounds", defaultValue = "20", description = "round: rounds per run, the first left out (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--master", defaultValue = "local[2]", description = "round: Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--work", paramLabel = "DIR", description = "data, round: directory for data and checkpoints (default: a new temporary directory, deleted after).")
  java.nio.file.Path work;

  @Option(names = "--steps", defaultValue = "20", description = "Steps per repeat (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() throws java.io.IOException {
    if ("round".equals(what)) {
      return round();
    }
    if (!"step".equals(what) && !"data".equals(what)) {
      throw new IllegalArgumentException("bench: unknown benchmark '" + what + "', expected: step, data or round");
    }
    if (steps < 1 || repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException("bench: --steps and --repeats must be >= 1 and --warmup >= 0");
    }
    if ("data".equals(what)) {
      if (size < 8 || positions < 4) {
        throw new IllegalArgumentException("bench data: --size must be >= 8 and --positions >= 4");
      }
      double[] ms = stepMillis();
      double trainPerSec = TrainConfig.defaults().batchSize() * 1000 / ms[ms.length / 2];
      java.nio.file.Path dir = work != null ? work : java.nio.file.Files.createTempDirectory("egotune-bench-data");
      try {
        DataBench.run(new DataBench.Options(size, 8, 48, 24, positions, repeats, 720, 1280, 2_000_000), dir,
            trainPerSec);
      } finally {
        if (work == null) {
          try (var walk = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
              java.nio.file.Files.delete(p);
            }
          }
        }
      }
      return 0;
    }
    double[] sorted = stepMillis();
    double median = sorted[sorted.length / 2];
    ModelConfig mc = ModelConfig.defaults();
    TrainConfig tc = TrainConfig.defaults();
    System.out.printf("bench step: backend %s, native variant '%s', OMP_NUM_THREADS=%s%n",
        Nd4j.getBackend().getClass().getSimpleName(),
        String.valueOf(System.getProperty(Backend.EXTENSION_PROPERTY, "")),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    System.out.printf("model %s %dx%d, batch %d frames; %d repeats x %d steps%n", mc.preset(),
        mc.imageSize(), mc.imageSize(), tc.batchSize() * tc.framesPerSample(), repeats, steps);
    System.out.printf("ms/step: median %.1f  min %.1f  max %.1f  (%.1f samples/s at the median)%n",
        median, sorted[0], sorted[sorted.length - 1], tc.batchSize() * 1000 / median);
    return 0;
  }

  /** Milliseconds per training step of the default model, one value per repeat, sorted ascending. */
  private double[] stepMillis() {
    ModelConfig mc = ModelConfig.defaults();
    TrainConfig tc = TrainConfig.defaults();
    LocalTrainer t = new LocalTrainer(mc, tc);
    Batch[] batches = new Batch[4];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = randomBatch(mc, tc.batchSize() * tc.framesPerSample(), i);
    }
    for (int i = 0; i < warmup; i++) {
      t.step(batches[i % batches.length]);
    }
    double[] msPerStep = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        t.step(batches[i % batches.length]);
      }
      msPerStep[r] = (System.nanoTime() - t0) / 1e6 / steps;
    }
    double[] sorted = msPerStep.clone();
    Arrays.sort(sorted);
    return sorted;
  }

  private int round() throws java.io.IOException {
    boolean temporary = work == null;
    java.nio.file.Path dir = temporary ? java.nio.file.Files.createTempDirectory("egotune-bench-round") : work;
    try {
      RoundBenchmark.Result res = RoundBenchmark.run(new RoundBenchmark.Options(dir, master, rounds, repeats));
      var job = res.job();
      System.out.printf("bench round: master %s, %d workers x batch %d (%d frames), model %s %dx%d,"
          + " k=%d, checkpoint every %d rounds; %d rounds per run (first left out), %d repeats;"
          + " OMP_NUM_THREADS=%s%n", master, job.spark().workers(), job.train().batchSize(),
          job.train().framesPerSample(), job.model().preset(), job.model().imageSize(),
          job.model().imageSize(), job.spark().averagingEvery(), job.checkpoint().everyRounds(),
          rounds, repeats, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
      System.out.println("| workersPerTask | overhead share, median (min-max) | samples/s, median (min-max) |"
          + " mean round ms: broadcast / compute / reduce / scheduling / update / checkpoint / total |");
      System.out.println("|---|---|---|---|");
      for (int g : new int[] {1, job.spark().workers()}) {
        var runs = res.of(g);
        double[] oh = RoundBenchmark.medianMinMax(runs.stream().mapToDouble(r -> 100 * r.overheadShare()).toArray());
        double[] sps = RoundBenchmark.medianMinMax(runs.stream().mapToDouble(RoundBenchmark.Run::samplesPerSec).toArray());
        var m = runs.get(runs.size() / 2).mean();
        System.out.printf("| %d | %.2f %% (%.2f-%.2f) | %.1f (%.1f-%.1f) | %.1f / %.1f / %.1f / %.1f / %.1f / %.1f / %.1f |%n",
            g, oh[0], oh[1], oh[2], sps[0], sps[1], sps[2], m.broadcast() * 1e3, m.compute() * 1e3,
            m.reduce() * 1e3, m.scheduling() * 1e3, m.update() * 1e3, m.checkpoint() * 1e3, m.total() * 1e3);
      }
      return 0;
    } finally {
      if (temporary) {
        try (var paths = java.nio.file.Files.walk(dir)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static Batch randomBatch(ModelConfig mc, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int s = mc.imageSize();
    float[] frames = new float[n * 3 * s * s];
    float[] mask = new float[n * s * s];
    float[] tokens = new float[n * mc.vocab()];
    float[] presence = new float[n];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < n; i++) {
      presence[i] = i % 2;
      tokens[i * mc.vocab() + rng.nextInt(mc.vocab())] = 1;
      for (int p = 0; p < s * s / 16; p++) {
        mask[i * s * s + p] = presence[i];
      }
    }
    return new Batch(Nd4j.create(frames, new long[] {n, 3, s, s}, 'c'),
        Nd4j.create(tokens, new long[] {n, mc.vocab()}, 'c'),
        Nd4j.create(mask, new long[] {n, 1, s, s}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'), n / 4);
  }
}
