package org.egotune.bench.decoder;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.egotune.model.sam2.DecoderStep;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SAM2 decoder's training step (forward, BCE on the selected mask, backward, AdamW) in Java,
 * alternating repeat by repeat with the same step in PyTorch at the same sizes, batch and thread
 * count, so that both sides see the same machine load. Reports milliseconds per step per repeat.
 */
public final class DecoderBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(DecoderBenchmark.class);

  /** The learning rate and AdamW weight decay of both sides (their values do not change the time). */
  static final double LEARNING_RATE = 1e-4;
  static final double WEIGHT_DECAY = 0.01;

  private DecoderBenchmark() {}

  /**
   * How to measure one preset.
   *
   * @param batch samples per step
   * @param steps timed steps per repeat (a repeat's time is their mean)
   * @param repeats alternating repeats per side
   * @param warmup untimed steps per side first (the first builds the gradient graph)
   */
  public record Settings(int batch, int steps, int repeats, int warmup) {
    public Settings {
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, found " + batch);
      }
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be >= 1, found " + steps);
      }
      if (repeats < 1) {
        throw new IllegalArgumentException("repeats must be >= 1, found " + repeats);
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("warmup must be >= 0, found " + warmup);
      }
    }
  }

  /** Milliseconds per step, one value per repeat. */
  public record Series(double[] msPerStep) {
    public double median() {
      double[] s = msPerStep.clone();
      Arrays.sort(s);
      int n = s.length;
      return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public double min() {
      return Arrays.stream(msPerStep).min().orElse(Double.NaN);
    }

    public double max() {
      return Arrays.stream(msPerStep).max().orElse(Double.NaN);
    }
  }

  /**
   * One preset's result.
   *
   * @param torch null when the PyTorch side did not run
   */
  public record Result(String preset, Sam2DecoderConfig config, Settings settings, long params, Series java,
      Series torch) {
    /** Java's median over PyTorch's median (NaN without PyTorch). */
    public double ratio() {
      return torch == null ? Double.NaN : java.median() / torch.median();
    }

    /** The median of the per-repeat ratios (each Java repeat against the PyTorch repeat right after it). */
    public double pairedRatio() {
      if (torch == null) {
        return Double.NaN;
      }
      double[] r = new double[java.msPerStep().length];
      for (int i = 0; i < r.length; i++) {
        r[i] = java.msPerStep()[i] / torch.msPerStep()[i];
      }
      return new Series(r).median();
    }
  }

  /**
   * Runs {@code steps} extra Java steps with every op timed and returns the report: milliseconds per
   * step by op type, then the {@code top} most expensive op instances with their output shapes.
   */
  public static String profile(Sam2DecoderConfig config, Settings s, int top) {
    DecoderStep java = new DecoderStep(config, s.batch(), 1L, LEARNING_RATE, WEIGHT_DECAY);
    for (int i = 0; i < Math.max(1, s.warmup()); i++) {
      java.step();
    }
    OpTimer timer = new OpTimer();
    java.decoder().sameDiff().setListeners(timer);
    long t0 = System.nanoTime();
    for (int i = 0; i < s.steps(); i++) {
      java.step();
    }
    double stepMs = (System.nanoTime() - t0) / 1e6 / s.steps();
    java.decoder().sameDiff().setListeners();
    StringBuilder out = new StringBuilder();
    Map<String, Double> byType = timer.msByType();
    double opMs = byType.values().stream().mapToDouble(Double::doubleValue).sum() / s.steps();
    out.append(String.format("step %.1f ms, in ops %.1f ms (%d op types)%n", stepMs, opMs, byType.size()));
    byType.entrySet().stream().limit(top).forEach(e ->
        out.append(String.format("  %-24s %8.1f ms/step%n", e.getKey(), e.getValue() / s.steps())));
    out.append("most expensive op instances:\n");
    timer.msByInstance().entrySet().stream().limit(top).forEach(e ->
        out.append(String.format("  %-60s %8.1f ms/step%n", e.getKey(), e.getValue() / s.steps())));
    return out.toString();
  }

  /** Measures {@code config}; with a non-null {@code torch}, alternates with it. */
  public static Result run(String preset, Sam2DecoderConfig config, Settings s, TorchReference torch)
      throws IOException {
    DecoderStep java = new DecoderStep(config, s.batch(), 1L, LEARNING_RATE, WEIGHT_DECAY);
    for (int i = 0; i < s.warmup(); i++) {
      java.step();
    }
    if (torch != null && s.warmup() > 0) {
      torch.run(config, s.batch(), s.warmup(), LEARNING_RATE, WEIGHT_DECAY);
    }
    double[] j = new double[s.repeats()];
    double[] t = torch == null ? null : new double[s.repeats()];
    for (int r = 0; r < s.repeats(); r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < s.steps(); i++) {
        java.step();
      }
      j[r] = (System.nanoTime() - t0) / 1e6 / s.steps();
      if (torch != null) {
        t[r] = Arrays.stream(torch.run(config, s.batch(), s.steps(), LEARNING_RATE, WEIGHT_DECAY)).average().orElseThrow();
      }
      LOG.info("{} repeat {}: java {} ms/step, torch {} ms/step", preset, r + 1, j[r], t == null ? "-" : t[r]);
    }
    LOG.info("{}: Java training session memory: {}", preset, java.memoryStats());
    return new Result(preset, config, s, java.decoder().params().size(), new Series(j),
        t == null ? null : new Series(t));
  }
}
