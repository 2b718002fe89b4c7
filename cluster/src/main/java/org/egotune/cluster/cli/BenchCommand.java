package org.egotune.cluster.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.egotune.model.Backend;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.data.FeatureSource;
import org.egotune.trainer.loop.LocalTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code egotune bench step [--preset P]}: time of one training step of a preset on fixed random
 * batches, in this JVM, with the ND4J backend and native variant it loaded. Run it under different
 * classpaths or thread counts to compare them (docs/benchmarks.md shows how).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Micro-benchmarks: 'step' times training steps of a preset (default tiny).")
final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Parameters(index = "0", defaultValue = "step", description = "What to measure: step.")
  String what;

  @Option(names = "--preset", defaultValue = "tiny", description = "Model preset (default ${DEFAULT-VALUE}; see 'egotune models').")
  String preset;

  @Option(names = "--batch", defaultValue = "0", description = "Frames per batch (default: train.batchSize x train.framesPerSample).")
  int batchFrames;

  @Option(names = "--steps", defaultValue = "20", description = "Steps per repeat (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() {
    if (!"step".equals(what)) {
      throw new IllegalArgumentException("bench: unknown benchmark '" + what + "', expected: step");
    }
    if (steps < 1 || repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException("bench: --steps and --repeats must be >= 1 and --warmup >= 0");
    }
    ModelConfig mc = ModelConfig.preset(preset, 7L);
    TrainConfig tc = TrainConfig.defaults();
    int frames = batchFrames > 0 ? batchFrames : tc.batchSize() * tc.framesPerSample();
    LocalTrainer t = new LocalTrainer(mc, tc);
    Batch[] batches = new Batch[4];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = randomBatch(mc, frames, i);
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
    System.out.printf("bench step: backend %s, native variant '%s', OMP_NUM_THREADS=%s%n",
        Nd4j.getBackend().getClass().getSimpleName(),
        String.valueOf(System.getProperty(Backend.EXTENSION_PROPERTY, "")),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    System.out.printf("model %s (%d parameters, mask %dx%d), batch %d frames; %d repeats x %d steps%n",
        mc.preset(), t.model().params().size(), mc.maskSize(), mc.maskSize(), frames, repeats, steps);
    System.out.printf("ms/step: median %.1f  min %.1f  max %.1f  (%.1f frames/s at the median)%n",
        median, sorted[0], sorted[sorted.length - 1], frames * 1000 / median);
    return 0;
  }

  /** Random inputs of every input of the preset (tokens one-hot), half the frames with a target. */
  static Batch randomBatch(ModelConfig mc, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, INDArray> inputs = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : SegModel.inputShapes(mc).entrySet()) {
      long[] shape = e.getValue().clone();
      shape[0] = n;
      int row = (int) FeatureSource.rowSize(shape);
      float[] v = new float[n * row];
      for (int i = 0; i < n; i++) {
        if (SegModel.TOKENS.equals(e.getKey())) {
          v[i * row + rng.nextInt(row)] = 1;
        } else {
          for (int j = 0; j < row; j++) {
            v[i * row + j] = (float) (rng.nextDouble() * 2 - 1);
          }
        }
      }
      inputs.put(e.getKey(), Nd4j.create(v, shape, 'c'));
    }
    int s = mc.maskSize();
    float[] mask = new float[n * s * s];
    float[] presence = new float[n];
    for (int i = 0; i < n; i++) {
      presence[i] = i % 2;
      for (int p = 0; p < s * s / 16; p++) {
        mask[i * s * s + p] = presence[i];
      }
    }
    return new Batch(inputs, Nd4j.create(mask, new long[] {n, 1, s, s}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'), Math.max(1, n / 4));
  }
}
