package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.run.TrainingRun;
import org.junit.jupiter.api.Test;

/** The line {@code egotune train} ends with says what this invocation did, also after --resume. */
class TrainCommandTest {
  private static TrainingRun.Outcome outcome(int firstStep, long firstSample) {
    return new TrainingRun.Outcome(new float[0], 80, List.of(1.25, 0.5), Map.of("ego", 512L, "exo", 128L),
        640, new Path("/runs/r1/step-00000080"), 22.3, List.of(), firstStep, firstSample);
  }

  @Test
  void aResumedRunCountsOnlyTheStepsItTook() {
    String s = TrainCommand.summary(outcome(40, 320));
    assertTrue(s.startsWith("trained 40 steps (320 samples) in 22.3 s (resumed at step 40; the run is at"
        + " step 80, 640 samples)"), s);
    assertTrue(s.contains("loss 1.2500 -> 0.5000"), s);
  }

  @Test
  void aFreshRunSaysNothingAboutResuming() {
    String s = TrainCommand.summary(outcome(0, 0));
    assertTrue(s.startsWith("trained 80 steps (640 samples) in 22.3 s; loss"), s);
  }
}
