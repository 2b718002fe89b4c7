package org.egotune.trainer.run;

/**
 * Where a run reports its rounds as they finish. {@link #log} writes periodic log lines (the default
 * when no terminal is attached); the CLI draws a progress bar on an interactive terminal.
 */
public interface TrainingProgress {

  /**
   * What a finished round tells a person watching.
   *
   * @param round rounds finished, counted over the whole run
   * @param totalRounds rounds in the whole run
   * @param step optimizer steps finished
   * @param totalSteps steps in the whole run
   * @param loss the round's loss
   * @param samplesPerSec samples per second of the round, over all workers
   * @param etaSeconds estimated seconds left (NaN when unknown)
   * @param validation benchmark metrics of this round, empty when it was not evaluated
   * @param timeSplit where the round's time went, for the log line (empty: not shown)
   */
  record Round(int round, int totalRounds, int step, int totalSteps, double loss,
      double samplesPerSec, double etaSeconds, java.util.Map<String, Double> validation,
      String timeSplit) {

    /** A round reported without its time split. */
    public Round(int round, int totalRounds, int step, int totalSteps, double loss,
        double samplesPerSec, double etaSeconds, java.util.Map<String, Double> validation) {
      this(round, totalRounds, step, totalSteps, loss, samplesPerSec, etaSeconds, validation, "");
    }
  }

  /** Called on the driver after every round. */
  void round(Round r);

  /** Called once when the run ends, successfully or not. */
  default void finish() {}

  /** Periodic log lines: the first round, about every 5 % of the run, validated rounds, the last. */
  static TrainingProgress log() {
    return r -> {
      if (r.round() == 1 || r.round() % Math.max(1, r.totalRounds() / 20) == 0
          || r.step() == r.totalSteps() || !r.validation().isEmpty()) {
        TrainingRun.LOG.info(line(r));
      }
    };
  }

  /** One line: round, step, loss, throughput, ETA and any validation. */
  static String line(Round r) {
    StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
        "round %d/%d  step %d/%d  loss %.4f  %.1f samples/s  ETA %s", r.round(), r.totalRounds(),
        r.step(), r.totalSteps(), r.loss(), r.samplesPerSec(),
        duration(r.etaSeconds())));
    if (!r.validation().isEmpty()) {
      sb.append(String.format(java.util.Locale.ROOT, "  val J&F %.2f IoU_gold_with_pred %.2f",
          r.validation().getOrDefault("J&F", Double.NaN),
          r.validation().getOrDefault("IoU_gold_with_pred", Double.NaN)));
    }
    if (!r.timeSplit().isEmpty()) {
      sb.append("  | ").append(r.timeSplit());
    }
    return sb.toString();
  }

  /** A duration for people: {@code 42s}, {@code 2m05s}, {@code 1h01m}; {@code ?} when unknown. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
