package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.egotune.trainer.run.TrainingProgress;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  static TrainingProgress.Round round(int step, double eta, Map<String, Double> val) {
    return new TrainingProgress.Round(step / 5, 20, step, 100, 0.25, 12.5, eta, val);
  }

  @Test
  void aBarOnlyOnATerminalOutsideCi() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream());
    assertInstanceOf(ProgressBar.class, ProgressBar.choose(true, Map.of(), out));
    assertFalse(ProgressBar.choose(true, Map.of("CI", "true"), out) instanceof ProgressBar);
    assertFalse(ProgressBar.choose(false, Map.of(), out) instanceof ProgressBar);
  }

  @Test
  void rendersStepThroughputLossAndEta() {
    assertEquals("[######..................]  25%  step 25/100  12.5 samples/s  loss 0.2500  ETA 2m05s",
        ProgressBar.render(round(25, 125, Map.of())));
  }

  @Test
  void redrawsOneLineAndPrintsValidatedRoundsAboveIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    bar.round(round(5, 100, Map.of()));
    bar.round(round(10, 90, Map.of("J&F", 40.0, "IoU_gold_with_pred", 20.0)));
    bar.round(round(100, 0, Map.of()));
    bar.finish();
    String s = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, s.chars().filter(c -> c == '\n').count() - 1, "one validation line + the end: " + s);
    assertTrue(s.contains("val J&F 40.00 IoU_gold_with_pred 20.00\n"), s);
    assertTrue(s.startsWith("\r[#"), s);
    assertTrue(s.replaceAll(" +\n", "\n").endsWith("[########################] 100%  step 100/100  12.5 samples/s  loss 0.2500  ETA 0s\n"), s);
  }
}
