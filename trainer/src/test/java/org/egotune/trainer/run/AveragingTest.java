package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver's sample-weighted parameter average. */
class AveragingTest {
  private static WorkerResult result(int worker, long samples, float[] params, float[] optimizer) {
    return new WorkerResult(worker, samples, 1.0, 1, params, optimizer);
  }

  @Test
  void weightsBySamples() {
    // worker 0: 1 sample, worker 1: 3 samples -> weights 1/4 and 3/4
    List<WorkerResult> rs = List.of(
        result(0, 1, new float[] {0f, 4f, -2f}, new float[] {1f, 10f}),
        result(1, 3, new float[] {4f, 0f, 2f}, new float[] {5f, 2f}));
    float[][] avg = TrainingRun.average(rs, true);
    assertEquals(2, avg.length, "average returns {params, optimizer}");
    // by hand: (1*0 + 3*4)/4 = 3, (1*4 + 3*0)/4 = 1, (1*-2 + 3*2)/4 = 1
    assertArrayEquals(new float[] {3f, 1f, 1f}, avg[0], 1e-6f, "sample-weighted parameters");
    // (1*1 + 3*5)/4 = 4, (1*10 + 3*2)/4 = 4
    assertArrayEquals(new float[] {4f, 4f}, avg[1], 1e-6f, "sample-weighted optimizer state");
  }

  @Test
  void weightsBySamplesNotByWorkerCount() {
    List<WorkerResult> rs = List.of(
        result(0, 2, new float[] {1f}, new float[] {0f}),
        result(1, 2, new float[] {2f}, new float[] {0f}),
        result(2, 6, new float[] {10f}, new float[] {0f}));
    float[][] avg = TrainingRun.average(rs, true);
    // (2*1 + 2*2 + 6*10) / 10 = 6.6; the unweighted mean would be 4.333
    assertEquals(6.6f, avg[0][0], 1e-5f, "weights are the samples each worker saw");
  }

  @Test
  void singleWorkerIsIdentity() {
    float[] p = {0.1f, -7.25f, 3e-8f};
    float[] o = {2f, 0.5f};
    float[][] avg = TrainingRun.average(List.of(result(0, 5, p, o)), true);
    assertArrayEquals(p, avg[0], "one worker: parameters unchanged");
    assertArrayEquals(o, avg[1], "one worker: optimizer state unchanged");
  }

  @Test
  void doesNotModifyInputs() {
    float[] p0 = {1f, 2f};
    float[] p1 = {3f, 4f};
    float[] o0 = {5f};
    float[] o1 = {6f};
    TrainingRun.average(List.of(result(0, 1, p0, o0), result(1, 1, p1, o1)), false);
    assertArrayEquals(new float[] {1f, 2f}, p0, "worker 0's parameters untouched");
    assertArrayEquals(new float[] {3f, 4f}, p1, "worker 1's parameters untouched");
    assertArrayEquals(new float[] {5f}, o0, "worker 0's optimizer untouched");
  }

  @Test
  void withoutOptimizerAveragingKeepsWorkerZerosState() {
    float[] o0 = {1f, 2f, 3f};
    List<WorkerResult> rs = List.of(
        result(0, 1, new float[] {0f}, o0),
        result(1, 3, new float[] {8f}, new float[] {100f, 200f, 300f}));
    float[][] avg = TrainingRun.average(rs, false);
    assertArrayEquals(new float[] {6f}, avg[0], 1e-6f, "parameters are still averaged: (0 + 24)/4");
    assertArrayEquals(new float[] {1f, 2f, 3f}, avg[1], "worker 0's optimizer state is kept as is");
    assertNotSame(o0, avg[1], "the kept state is a copy, not worker 0's array");
  }

  @Test
  void sumsInTheGivenWorkerOrderDeterministically() {
    // values whose float sum depends on order; the result must be exactly the double sum in the
    // given (worker) order divided by the total, rounded once to float
    float[] a = {1e8f, 0.1f};
    float[] b = {1f, 0.2f};
    float[] c = {-1e8f, 0.3f};
    List<WorkerResult> rs = List.of(
        result(0, 1, a, new float[] {0f}),
        result(1, 1, b, new float[] {0f}),
        result(2, 1, c, new float[] {0f}));
    float[][] first = TrainingRun.average(rs, true);
    float[][] again = TrainingRun.average(rs, true);
    assertArrayEquals(first[0], again[0], "the same inputs give bit-identical results");
    float expected0 = (float) ((1.0 * a[0] + 1.0 * b[0] + 1.0 * c[0]) / 3);
    float expected1 = (float) ((1.0 * a[1] + 1.0 * b[1] + 1.0 * c[1]) / 3);
    assertEquals(expected0, first[0][0], 0f, "element 0 is the in-order double sum / total");
    assertEquals(expected1, first[0][1], 0f, "element 1 is the in-order double sum / total");
  }

  @Test
  void mismatchedParameterLengthNamesTheWorker() {
    List<WorkerResult> rs = List.of(
        result(0, 1, new float[] {1f, 2f}, new float[] {0f}),
        result(1, 1, new float[] {1f, 2f}, new float[] {0f}),
        result(2, 1, new float[] {1f}, new float[] {0f}));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TrainingRun.average(rs, true));
    assertTrue(e.getMessage().contains("worker 2"), "the message names worker 2: " + e.getMessage());
  }

  @Test
  void mismatchedOptimizerLengthNamesTheWorker() {
    List<WorkerResult> rs = List.of(
        result(0, 1, new float[] {1f}, new float[] {0f, 0f}),
        result(1, 1, new float[] {1f}, new float[] {0f}));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TrainingRun.average(rs, false));
    assertTrue(e.getMessage().contains("worker 1"), "the message names worker 1: " + e.getMessage());
  }
}
