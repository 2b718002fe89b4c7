package org.egotune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.egotune.model.Backend;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.bench.decoder.DecoderBenchmark;
import org.egotune.bench.decoder.TorchReference;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.data.FeatureSource;
import org.egotune.trainer.features.FeatureDtype;
import org.egotune.trainer.loop.LocalTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code egotune bench <what>}: the project's benchmarks, each a subcommand that prints what it
 * measured with the backend it ran on (docs/benchmarks.md records their numbers).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: step, data, trainer, round, decoder, features (docs/benchmarks.md).",
    subcommands = {BenchCommand.Step.class, BenchCommand.Data.class, BenchCommand.Trainer.class,
        BenchCommand.Round.class, BenchCommand.Decoder.class, BenchCommand.Features.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "bench: name a benchmark: step, data, trainer, round, decoder or features");
  }

  /** Repeat counts shared by the step-timing benchmarks. */
  static final class Repeats {
    @Option(names = "--steps", defaultValue = "20", description = "Steps per repeat (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    void validate() {
      if (steps < 1 || repeats < 1 || warmup < 0) {
        throw new IllegalArgumentException("bench: --steps and --repeats must be >= 1 and --warmup >= 0");
      }
    }
  }

  @Command(name = "step", mixinStandardHelpOptions = true,
      description = "Times LocalTrainer.step of a preset (default tiny) on fixed random batches.")
  static final class Step implements Callable<Integer> {
    @Mixin Repeats r;

    @Option(names = "--preset", defaultValue = "tiny", description = "Model preset (default ${DEFAULT-VALUE}; see 'egotune models').")
    String preset;

    @Option(names = "--batch", defaultValue = "0", description = "Frames per batch (default: train.batchSize x train.framesPerSample).")
    int batchFrames;

    @Override
    public Integer call() {
      r.validate();
      if (batchFrames < 0) {
        throw new IllegalArgumentException("bench step: --batch must be >= 0, found " + batchFrames);
      }
      printBackend();
      ModelConfig mc = ModelConfig.preset(preset, 7L);
      TrainConfig tc = TrainConfig.defaults();
      // A depth preset's rows are clips of its own T frames (train.framesPerSample does not apply).
      int perSample = mc.predictsDepth() ? mc.depthConfig().frames() : tc.framesPerSample();
      int frames = batchFrames > 0 ? batchFrames : tc.batchSize() * perSample;
      Batch[] batches = new Batch[4];
      for (int i = 0; i < batches.length; i++) {
        batches[i] = mc.predictsDepth() ? randomClips(mc, Math.max(1, frames / perSample), i)
            : randomFrames(mc, frames, Math.max(1, frames / tc.framesPerSample()), i);
      }
      if (mc.predictsDepth()) {
        frames = (int) batches[0].mask().size(0) * perSample;
      }
      LocalTrainer t = new LocalTrainer(mc, tc);
      double[] sorted = stepMillis(t, batches, r);
      double median = sorted[sorted.length / 2];
      System.out.printf("model %s (%d parameters, mask %dx%d), batch %d frames; %d repeats x %d steps%n",
          mc.preset(), t.model().params().size(), mc.maskSize(), mc.maskSize(), frames, r.repeats, r.steps);
      System.out.printf("ms/step: median %.1f  min %.1f  max %.1f  (%.1f frames/s at the median)%n",
          median, sorted[0], sorted[sorted.length - 1], frames * 1000 / median);
      return 0;
    }
  }

  @Command(name = "data", mixinStandardHelpOptions = true,
      description = "The data path (RLE decode, mixer, shard read + decode + clip sampling) of one"
          + " worker against the training step it feeds.")
  static final class Data implements Callable<Integer> {
    @Mixin Repeats r;

    @Option(names = "--size", defaultValue = "64", description = "Frame side of the generated clips (default ${DEFAULT-VALUE}, the quickstart's).")
    int size;

    @Option(names = "--positions", defaultValue = "400", description = "Mixer positions through the data path per repeat (default ${DEFAULT-VALUE}).")
    int positions;

    @Option(names = "--work", paramLabel = "DIR", description = "Directory for the generated data (default: a new temporary directory, deleted after).")
    Path work;

    @Option(names = "--preset", defaultValue = ModelConfig.TINY, description = "Model preset (default ${DEFAULT-VALUE}); a SAM2 preset reads feature shards instead of decoding frames.")
    String preset;

    @Option(names = "--dtype", defaultValue = "f32", description = "With a SAM2 preset: dtype of the feature shards, f32, bf16 or f16 (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--videos", defaultValue = "48", description = "Egocentric videos generated (default ${DEFAULT-VALUE}); exocentric: half as many.")
    int videos;

    @Override
    public Integer call() throws IOException {
      r.validate();
      if (size < 8 || positions < 4 || videos < 2) {
        throw new IllegalArgumentException("bench data: --size must be >= 8, --positions >= 4 and --videos >= 2");
      }
      printBackend();
      TrainConfig tc = TrainConfig.defaults();
      ModelConfig mc = ModelConfig.preset(preset, 7L);
      double[] ms = stepMillis(mc, tc, r);
      double trainPerSec = tc.batchSize() * 1000 / ms[ms.length / 2];
      Path dir = work != null ? work : Files.createTempDirectory("egotune-bench-data");
      try {
        DataBench.run(new DataBench.Options(size, 8, videos, videos / 2, positions, r.repeats, 720, 1280, 2_000_000,
            mc, FeatureDtype.parse(dtype, "--dtype")), dir, trainPerSec);
      } finally {
        if (work == null) {
          deleteTree(dir);
        }
      }
      return 0;
    }
  }

  @Command(name = "trainer", mixinStandardHelpOptions = true,
      description = "The trainer's samples/s against a plain SameDiff fit loop on the same network and"
          + " batches, alternating per repeat.")
  static final class Trainer implements Callable<Integer> {
    @Mixin Repeats r;

    @Override
    public Integer call() {
      r.validate();
      printBackend();
      ModelConfig mc = ModelConfig.defaults();
      TrainConfig tc = TrainConfig.defaults();
      TrainerBench.Result res = TrainerBench.run(mc, tc, r.steps, r.repeats, r.warmup);
      System.out.printf("model %s %dx%d, batch %d samples x %d frames, train.gradClipNorm %s,"
          + " train.gradAccumulation %d; %d repeats x %d steps each, alternating%n", mc.preset(),
          mc.imageSize(), mc.imageSize(), tc.batchSize(), tc.framesPerSample(), tc.gradClipNorm(),
          tc.gradAccumulation(), r.repeats, r.steps);
      System.out.println("trainer   samples/s: " + TrainerBench.Result.stats(res.ours()));
      System.out.println("plain fit samples/s: " + TrainerBench.Result.stats(res.plain()));
      System.out.println("ratio trainer/plain: " + TrainerBench.Result.stats(res.ratio()));
      return 0;
    }
  }

  @Command(name = "round", mixinStandardHelpOptions = true,
      description = "The share of a Spark training round spent outside training at the default job"
          + " config, flat vs two-level reduction.")
  static final class Round implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "20", description = "Rounds per run, the first left out (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--repeats", defaultValue = "5", description = "Runs per reduction (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--work", paramLabel = "DIR", description = "Directory for data and checkpoints (default: a new temporary directory, deleted after).")
    Path work;

    @Override
    public Integer call() throws IOException {
      if (rounds < 2 || repeats < 1) {
        throw new IllegalArgumentException("bench round: --rounds must be >= 2 and --repeats >= 1");
      }
      Path dir = work != null ? work : Files.createTempDirectory("egotune-bench-round");
      try {
        RoundBenchmark.Result res = RoundBenchmark.run(new RoundBenchmark.Options(dir, master, rounds, repeats));
        var job = res.job();
        System.out.printf("bench round: master %s, %d workers x batch %d (%d frames), model %s %dx%d,"
            + " k=%d, checkpoint every %d steps; %d rounds per run (first left out), %d repeats;"
            + " OMP_NUM_THREADS=%s%n", master, job.spark().workers(), job.train().batchSize(),
            job.train().framesPerSample(), job.model().preset(), job.model().imageSize(),
            job.model().imageSize(), job.spark().averagingEvery(), job.checkpoint().everySteps(),
            rounds, repeats, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        System.out.println("| workersPerTask | overhead share, median (min-max) | samples/s, median (min-max) |"
            + " mean round ms: broadcast / compute / reduce / scheduling / update / checkpoint / total |");
        System.out.println("|---|---|---|---|");
        for (int g : new int[] {1, job.spark().workers()}) {
          var runs = res.of(g);
          double[] oh = RoundBenchmark.medianMinMax(runs.stream().mapToDouble(x -> 100 * x.overheadShare()).toArray());
          double[] sps = RoundBenchmark.medianMinMax(runs.stream().mapToDouble(RoundBenchmark.Run::samplesPerSec).toArray());
          var m = runs.get(runs.size() / 2).mean();
          System.out.printf("| %d | %.2f %% (%.2f-%.2f) | %.1f (%.1f-%.1f) | %.1f / %.1f / %.1f / %.1f / %.1f / %.1f / %.1f |%n",
              g, oh[0], oh[1], oh[2], sps[0], sps[1], sps[2], m.broadcast() * 1e3, m.compute() * 1e3,
              m.reduce() * 1e3, m.scheduling() * 1e3, m.update() * 1e3, m.checkpoint() * 1e3, m.total() * 1e3);
        }
        return 0;
      } finally {
        if (work == null) {
          deleteTree(dir);
        }
      }
    }
  }

  @Command(name = "decoder", mixinStandardHelpOptions = true,
      description = "The SAM2 decoder's training step (forward, BCE, backward, AdamW) against PyTorch's"
          + " (python3 with torch, when present), alternating in one run.")
  static final class Decoder implements Callable<Integer> {
    @Option(names = "--steps", description = "Steps per repeat (default: full 2, small 10).")
    Integer steps;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed repeats (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", description = "Untimed steps per side first (default 8: the Java"
        + " training session's array cache fills in about 7 steps at full size).")
    Integer warmup;

    @Option(names = "--presets", split = ",", defaultValue = "full,small",
        description = "SAM2 decoder sizes to measure, full and/or small (default ${DEFAULT-VALUE}).")
    java.util.List<String> presets;

    @Option(names = "--batch", defaultValue = "5", description = "Samples per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
        description = "The python with torch (default ${DEFAULT-VALUE}, Debian's python3-torch).")
    Path python;

    @Option(names = "--torch-script",
        description = "bench_torch.py (default: model-zoo/src/test/resources/sam2/ in the EgoTune checkout).")
    Path torchScript;

    @Option(names = "--no-torch", description = "Time the Java side only.")
    boolean noTorch;

    @Option(names = "--profile", description = "Also time every SameDiff op of the Java step and print the top ones.")
    boolean profile;

    @Override
    public Integer call() throws IOException {
      if (repeats < 1 || (steps != null && steps < 1) || (warmup != null && warmup < 0) || batch < 1) {
        throw new IllegalArgumentException("bench decoder: --steps, --repeats and --batch must be >= 1 and --warmup >= 0");
      }
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
          DecoderBenchmark.Settings s = new DecoderBenchmark.Settings(batch, n, repeats, warmup == null ? 8 : warmup);
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
  }

  static void printBackend() {
    System.out.printf("backend %s, native variant '%s', OMP_NUM_THREADS=%s%n",
        Nd4j.getBackend().getClass().getSimpleName(),
        String.valueOf(System.getProperty(Backend.EXTENSION_PROPERTY, "")),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
  }

  /** Milliseconds per training step of the default model, one value per repeat, sorted ascending. */
  static double[] stepMillis(ModelConfig mc, TrainConfig tc, Repeats r) {
    Batch[] batches = new Batch[4];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = randomBatch(mc, tc.batchSize(), tc.framesPerSample(), i);
    }
    return stepMillis(new LocalTrainer(mc, tc), batches, r);
  }

  private static double[] stepMillis(LocalTrainer t, Batch[] batches, Repeats r) {
    for (int i = 0; i < r.warmup; i++) {
      t.step(batches[i % batches.length]);
    }
    double[] msPerStep = new double[r.repeats];
    for (int k = 0; k < r.repeats; k++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < r.steps; i++) {
        t.step(batches[i % batches.length]);
      }
      msPerStep[k] = (System.nanoTime() - t0) / 1e6 / r.steps;
    }
    Arrays.sort(msPerStep);
    return msPerStep;
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = "Feature shards at f32, bf16 and f16 for one benchmark: bytes per frame, read rate,"
          + " the decoder's logit difference and the benchmark metrics per dtype.")
  static final class Features implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = ModelConfig.SAM2_FULL, description = "sam2-decoder or sam2-decoder-small (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--benchmark", paramLabel = "DIR", description = "EgoMask-layout benchmark (default: generate one with --videos, --frames, --size).")
    Path benchmark;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Score this checkpoint (trained on features of the same --seed) instead of the seeded initial model.")
    String checkpoint;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic features, as generate-features --seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--videos", defaultValue = "3", description = "Videos of the generated benchmark, at least 3: one per split (default ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--frames", defaultValue = "4", description = "Frames per generated video (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--size", defaultValue = "64", description = "Frame side of the generated benchmark (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed read passes (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--logit-frames", defaultValue = "4", description = "Frames whose logits are compared (default ${DEFAULT-VALUE}).")
    int logitFrames;

    @Option(names = "--work", paramLabel = "DIR", description = "Directory for the shards (default: a new temporary directory, deleted after).")
    Path work;

    @Override
    public Integer call() throws IOException {
      if (repeats < 1 || logitFrames < 1) {
        throw new IllegalArgumentException("bench features: --repeats and --logit-frames must be >= 1");
      }
      printBackend();
      Path dir = work != null ? work : Files.createTempDirectory("egotune-bench-features");
      try {
        FeatureBench.run(new FeatureBench.Options(preset, benchmark, checkpoint, seed, videos, frames, size,
            repeats, logitFrames), dir);
      } finally {
        if (work == null) {
          deleteTree(dir);
        }
      }
      return 0;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** {@code samples} samples of {@code framesPerSample} random frames each. */
  static Batch randomBatch(ModelConfig mc, int samples, int framesPerSample, long seed) {
    return randomFrames(mc, samples * framesPerSample, samples, seed);
  }

  /**
   * {@code clips} clips of a depth preset: uniform random patch tokens in [-1, 1] and inverse-depth
   * targets in [0, 1], each clip one sample.
   */
  static Batch randomClips(ModelConfig mc, int clips, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, INDArray> inputs = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : SegModel.inputShapes(mc).entrySet()) {
      long[] shape = e.getValue().clone();
      shape[0] = clips;
      float[] v = new float[(int) (clips * FeatureSource.rowSize(shape))];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) (rng.nextDouble() * 2 - 1);
      }
      inputs.put(e.getKey(), Nd4j.create(v, shape, 'c'));
    }
    int t = mc.depthConfig().frames();
    int s = mc.maskSize();
    float[] target = new float[clips * t * s * s];
    for (int j = 0; j < target.length; j++) {
      target[j] = (float) rng.nextDouble();
    }
    float[] presence = new float[clips];
    java.util.Arrays.fill(presence, 1f);
    return new Batch(inputs, Nd4j.create(target, new long[] {clips, t, s, s}, 'c'),
        Nd4j.create(presence, new long[] {clips, 1}, 'c'), clips);
  }

  /**
   * {@code n} frames of random values for every input of the preset (tokens one-hot), every other
   * frame with a target in its first sixteenth, counted as {@code samples} samples.
   */
  static Batch randomFrames(ModelConfig mc, int n, int samples, long seed) {
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
        Nd4j.create(presence, new long[] {n, 1}, 'c'), samples);
  }
}
