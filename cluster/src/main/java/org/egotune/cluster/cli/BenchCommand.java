package org.egotune.cluster.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.egotune.model.Backend;
import org.egotune.model.ModelConfig;
import org.egotune.model.bench.DecoderBenchmark;
import org.egotune.model.bench.TorchReference;
import org.egotune.model.sam2.Sam2DecoderConfig;
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
 * {@code egotune bench decoder}: the SAM2 decoder's training step against PyTorch's, alternating in
 * one run ({@link DecoderBenchmark}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Micro-benchmarks: 'step' times training steps of the default model; 'decoder' times the "
        + "SAM2 decoder's training step against PyTorch's (python3 with torch, when present).")
final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Parameters(index = "0", defaultValue = "step", description = "What to measure: step, decoder.")
  String what;

  @Option(names = "--steps", description = "Steps per repeat (default: step 20; decoder: full 2, small 10).")
  Integer steps;

  @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", description = "Untimed steps first (default: step 5, decoder 2).")
  Integer warmup;

  @Option(names = "--presets", split = ",", defaultValue = "full,small",
      description = "decoder: SAM2 decoder sizes to measure, full and/or small (default ${DEFAULT-VALUE}).")
  List<String> presets;

  @Option(names = "--batch", defaultValue = "5", description = "decoder: samples per step (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--python", defaultValue = "/usr/bin/python3",
      description = "decoder: the python with torch (default ${DEFAULT-VALUE}, Debian's python3-torch).")
  Path python;

  @Option(names = "--torch-script",
      description = "decoder: bench_torch.py (default: model-zoo/src/test/resources/sam2/ in the EgoTune checkout).")
  Path torchScript;

  @Option(names = "--no-torch", description = "decoder: time the Java side only.")
  boolean noTorch;

  @Option(names = "--profile", description = "decoder: also time every SameDiff op of the Java step and print the top ones.")
  boolean profile;

  @Override
  public Integer call() throws IOException {
    if ("decoder".equals(what)) {
      return decoder();
    }
    if (!"step".equals(what)) {
      throw new IllegalArgumentException("bench: unknown benchmark '" + what + "', expected: step, decoder");
    }
    int steps = this.steps == null ? 20 : this.steps;
    int warmup = this.warmup == null ? 5 : this.warmup;
    if (steps < 1 || repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException("bench: --steps and --repeats must be >= 1 and --warmup >= 0");
    }
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
    double median = sorted[sorted.length / 2];
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

  private int decoder() throws IOException {
    Backend.configure();
    for (String p : presets) {
      if (!p.equals("full") && !p.equals("small")) {
        throw new IllegalArgumentException("bench decoder: --presets takes full and small, found '" + p + "'");
      }
    }
    // Both sides get the thread count ND4J runs with (its OpenMP threads come from OMP_NUM_THREADS).
    String omp = System.getenv("OMP_NUM_THREADS");
    int threads = omp == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(omp.trim());
    System.out.printf("bench decoder: Java: ND4J %s, native variant '%s', %d threads (OMP_NUM_THREADS=%s)%n",
        Nd4j.getBackend().getClass().getSimpleName(),
        String.valueOf(System.getProperty(Backend.EXTENSION_PROPERTY, "")), threads, omp == null ? "unset" : omp);
    TorchReference torch = null;
    if (!noTorch) {
      Path script = torchScript != null ? torchScript : defaultTorchScript();
      try {
        torch = TorchReference.start(python, script, threads);
        System.out.println("PyTorch: " + torch.describe());
      } catch (IOException e) {
        System.out.println("PyTorch side skipped: " + e.getMessage());
      }
    }
    try {
      System.out.println("training step = forward + BCE on the selected mask + backward + AdamW; ms per step, "
          + "median (min-max) over " + repeats + " alternating repeats");
      System.out.println("| preset | params | batch | steps/repeat | Java ms/step | PyTorch ms/step | Java/PyTorch "
          + "(of medians) | Java/PyTorch (median of paired repeats) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (String p : presets) {
        Sam2DecoderConfig cfg = p.equals("full") ? Sam2DecoderConfig.full() : Sam2DecoderConfig.small();
        int n = steps != null ? steps : p.equals("full") ? 2 : 10;
        DecoderBenchmark.Settings s = new DecoderBenchmark.Settings(batch, n, repeats, warmup == null ? 2 : warmup);
        DecoderBenchmark.Result r = DecoderBenchmark.run(p, cfg, s, torch);
        System.out.printf("| %s | %,d | %d | %d | %s | %s | %s | %s |%n", p, r.params(), batch, n, cell(r.java()),
            r.torch() == null ? "-" : cell(r.torch()), ratio(r.ratio()), ratio(r.pairedRatio()));
        if (profile) {
          System.out.print("Java ops of the " + p + " step: " + DecoderBenchmark.profile(cfg, s, 60));
        }
      }
    } finally {
      if (torch != null) {
        torch.close();
      }
    }
    return 0;
  }

  private static Path defaultTorchScript() {
    String home = System.getenv("EGOTUNE_HOME");
    Path root = home == null ? Path.of("") : Path.of(home);
    return root.resolve("model-zoo/src/test/resources/sam2/bench_torch.py").toAbsolutePath();
  }

  private static String cell(DecoderBenchmark.Series s) {
    return String.format("%.0f (%.0f-%.0f)", s.median(), s.min(), s.max());
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "-" : String.format("%.2fx", r);
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
