package org.egotune.trainer.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a run's {@code metrics.jsonl}: what a finished round reports. {@code elapsedSeconds}
 * is training time summed over every invocation of the run (a resumed run continues the clock);
 * {@code times} is where the round's time went (null in lines written before it was recorded).
 * {@code validation} holds the benchmark metrics (EgoMask names, x100) of the round's averaged
 * parameters when the run evaluated after it ({@code train.evalEvery}), else nothing.
 */
record RoundMetrics(
    int round,
    int step,
    int totalSteps,
    double loss,
    double samplesPerSec,
    long samplesSeen,
    double elapsedSeconds,
    Map<String, Long> realisedCounts,
    RoundTimes times,
    Map<String, Double> validation) {

  /** A round without validation. */
  RoundMetrics(int round, int step, int totalSteps, double loss, double samplesPerSec,
      long samplesSeen, double elapsedSeconds, Map<String, Long> realisedCounts, RoundTimes times) {
    this(round, step, totalSteps, loss, samplesPerSec, samplesSeen, elapsedSeconds, realisedCounts,
        times, Map.of());
  }

  RoundMetrics {
    if (round < 1 || step < 1 || step > totalSteps) {
      throw new IllegalArgumentException("round " + round + ", step " + step + " of " + totalSteps
          + ": a round is numbered from 1 and its step lies in 1..totalSteps");
    }
    if (samplesSeen < 0 || elapsedSeconds < 0) {
      throw new IllegalArgumentException("samplesSeen and elapsedSeconds must be >= 0");
    }
    realisedCounts = Collections.unmodifiableMap(new LinkedHashMap<>(realisedCounts));
    validation = Collections.unmodifiableMap(new LinkedHashMap<>(validation));
  }
}
