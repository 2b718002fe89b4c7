package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small decoder trains through {@link org.egotune.model.Fitter} (as the trainer does): a sigmoid-BCE loss on the selected mask falls. */
class Sam2TrainingTest {
  private static final Logger LOG = LoggerFactory.getLogger(Sam2TrainingTest.class);

  @Test
  void bceOnTheSelectedMaskFallsOverTwentyAdamSteps() {
    DecoderStep step = new DecoderStep(Sam2DecoderConfig.small(), 2, 3L, 1e-2, 0.0);
    double before = step.loss();
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      step.step();
    }
    double after = step.loss();
    LOG.info("BCE on the selected mask: {} before, {} after 20 Adam steps ({} ms)", before, after,
        (System.nanoTime() - t0) / 1_000_000);
    assertTrue(after < 0.8 * before, "loss must fall: " + before + " -> " + after);
  }
}
