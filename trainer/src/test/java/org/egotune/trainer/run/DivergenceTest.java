package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class DivergenceTest {
  @Test
  void aNanLossStopsTheRunNamingTheStepsAndTheLastGoodCheckpoint() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainingRun.requireFinite(
        new float[] {1, 2}, Double.NaN, 40, 45, new Path("/runs/r1/checkpoints/step-00000040")));
    assertTrue(e.getMessage().contains("steps 40..45"), e.getMessage());
    assertTrue(e.getMessage().contains("the loss is NaN"), e.getMessage());
    assertTrue(e.getMessage().contains("step-00000040"), e.getMessage());
  }

  @Test
  void anInfiniteParameterIsCaughtEvenWhenTheLossLooksFine() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainingRun.requireFinite(
        new float[] {1, Float.POSITIVE_INFINITY}, 0.5, 0, 5, null));
    assertTrue(e.getMessage().contains("parameter 1 is Infinity") && e.getMessage().contains("none"), e.getMessage());
    assertDoesNotThrow(() -> TrainingRun.requireFinite(new float[] {1, 2}, 0.5, 0, 5, null));
  }

  @Test
  void etaIsReadable() {
    assertEquals("42s", TrainingProgress.duration(42.2));
    assertEquals("2m05s", TrainingProgress.duration(125));
    assertEquals("1h01m", TrainingProgress.duration(3660));
    assertEquals("?", TrainingProgress.duration(Double.NaN));
  }
}
