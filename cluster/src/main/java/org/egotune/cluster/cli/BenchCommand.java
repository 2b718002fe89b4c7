package org.egotune.cluster.cli;

import java.util.Arrays;
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
 * classpaths or thread counts to compare them (docs/benchmarks.md shows how).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Micro-benchmarks: 'step' times training steps of the default model; 'trainer'"
        + " compares the trainer's samples/s with a plain SameDiff fit loop.")
final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Parameters(index = "0", defaultValue = "step", description = "What to measure: step or trainer.")
  String what;

  @Option(names = "--steps", defaultValue = "20", description = "Steps per repeat (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() {
    if (!"step".equals(what) && !"trainer".equals(what)) {
      throw new IllegalArgumentException("bench: unknown benchmark '" + what + "', expected: step, trainer");
    }
    if (steps < 1 || repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException("bench: --steps and --repeats must be >= 1 and --warmup >= 0");
    }
    ModelConfig mc = ModelConfig.defaults();
    TrainConfig tc = TrainConfig.defaults();
    printBackend();
    if ("trainer".equals(what)) {
      TrainerBench.Result r = TrainerBench.run(mc, tc, steps, repeats, warmup);
      System.out.printf("model %s %dx%d, batch %d samples x %d frames, train.gradClipNorm %s,"
          + " train.gradAccumulation %d; %d repeats x %d steps each, alternating%n", mc.preset(),
          mc.imageSize(), mc.imageSize(), tc.batchSize(), tc.framesPerSample(), tc.gradClipNorm(),
          tc.gradAccumulation(), repeats, steps);
      System.out.println("trainer   samples/s: " + TrainerBench.Result.stats(r.ours()));
      System.out.println("plain fit samples/s: " + TrainerBench.Result.stats(r.plain()));
      System.out.println("ratio trainer/plain: " + TrainerBench.Result.stats(r.ratio()));
      return 0;
    }
    LocalTrainer t = new LocalTrainer(mc, tc);
    Batch[] batches = new Batch[4];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = randomBatch(mc, tc.batchSize(), tc.framesPerSample(), i);
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
    double median = sorted[sorted.length / 2];
    System.out.printf("model %s %dx%d, batch %d frames; %d repeats x %d steps%n", mc.preset(),
        mc.imageSize(), mc.imageSize(), tc.batchSize() * tc.framesPerSample(), repeats, steps);
    System.out.printf("ms/step: median %.1f  min %.1f  max %.1f  (%.1f samples/s at the median)%n",
        median, sorted[0], sorted[sorted.length - 1], tc.batchSize() * 1000 / median);
    return 0;
  }

  private static void printBackend() {
    System.out.printf("backend %s, native variant '%s', OMP_NUM_THREADS=%s%n",
        Nd4j.getBackend().getClass().getSimpleName(),
        String.valueOf(System.getProperty(Backend.EXTENSION_PROPERTY, "")),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
  }

  /** {@code samples} samples of {@code frames} random frames each; every other frame present. */
  static Batch randomBatch(ModelConfig mc, int samples, int framesPerSample, long seed) {
    int n = samples * framesPerSample;
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
        Nd4j.create(presence, new long[] {n, 1}, 'c'), samples);
  }
}
