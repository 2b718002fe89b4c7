package org.egotune.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DepthMetricsTest {

  /** gt 0.1, 0.2, ..., 1.0 then three invalid pixels (0, 0, -0.5) whose predictions are garbage. */
  private static float[] ladderGt() {
    float[] gt = new float[13];
    for (int k = 1; k <= 10; k++) {
      gt[k - 1] = k / 10f;
    }
    gt[10] = 0f;
    gt[11] = 0f;
    gt[12] = -0.5f;
    return gt;
  }

  /** pred = a gt + b on the valid pixels, 5.0 on the invalid ones. */
  private static float[] affine(float[] gt, double a, double b) {
    float[] p = new float[gt.length];
    for (int i = 0; i < gt.length; i++) {
      p[i] = gt[i] > 0 ? (float) (a * gt[i] + b) : 5f;
    }
    return p;
  }

  @Test
  void plantedAffinePredictionHasTheClosedFormScaleAwareValues() {
    float[] gt = ladderGt();
    DepthMetrics.Scores s = DepthMetrics.scaleAware(affine(gt, 1.1, 0.05), gt);
    // ratio = 1.1 + 0.05 / g: 1.6, 1.35, 1.267, 1.225, 1.2, ... so g >= 0.4 is within 1.25 (7 of 10),
    // g >= 0.2 within 1.5625 (9 of 10), all within 1.953125
    assertEquals(0.7, s.delta1(), 1e-12);
    assertEquals(0.9, s.delta2(), 1e-12);
    assertEquals(1.0, s.delta3(), 1e-12);
    // errors 0.1 g + 0.05 = 0.06 .. 0.15: sum of squares (sum_{k=6}^{15} k^2) 1e-4 = 1185e-4 over 10
    assertEquals(Math.sqrt(0.01185), s.rmse(), 1e-6);
    // |err| / g = 0.1 + 0.05 / g, mean 0.1 + 0.05 H_10 with H_10 = 7381 / 2520
    assertEquals(0.1 + 0.05 * 7381.0 / 2520.0, s.absRel(), 1e-6);
  }

  @Test
  void plantedAffinePredictionIsPerfectScaleInvariant() {
    float[] gt = ladderGt();
    float[] pred = affine(gt, 1.1, 0.05);
    double[] st = DepthMetrics.scaleAndShift(pred, gt);
    assertEquals(1 / 1.1, st[0], 1e-6);
    assertEquals(-0.05 / 1.1, st[1], 1e-6);
    DepthMetrics.Scores s = DepthMetrics.scaleInvariant(pred, gt);
    assertEquals(1.0, s.delta1());
    assertEquals(1.0, s.delta2());
    assertEquals(1.0, s.delta3());
    assertEquals(0.0, s.rmse(), 1e-6);
    assertEquals(0.0, s.absRel(), 1e-6);
    // a negative scale is recovered too: the fit is a plain least-squares line
    assertEquals(1.0, DepthMetrics.scaleInvariant(affine(gt, -3, 4), gt).delta1());
  }

  @Test
  void scaleInvariantFitByHand() {
    // pred 1 2 3, gt 1 3 2: s = cov / var = 1 / 2, t = 2 - 0.5 * 2 = 1, fitted 1.5 2 2.5
    float[] pred = {1, 2, 3};
    float[] gt = {1, 3, 2};
    double[] st = DepthMetrics.scaleAndShift(pred, gt);
    assertEquals(0.5, st[0], 1e-15);
    assertEquals(1.0, st[1], 1e-15);
    DepthMetrics.Scores s = DepthMetrics.scaleInvariant(pred, gt);
    // ratios 1.5, 1.5, 1.25: the threshold is strict, so 1.25 itself misses delta1
    assertEquals(0.0, s.delta1());
    assertEquals(1.0, s.delta2());
    assertEquals(1.0, s.delta3());
    // residuals -0.5, 1, -0.5
    assertEquals(Math.sqrt(0.5), s.rmse(), 1e-15);
    assertEquals(13.0 / 36.0, s.absRel(), 1e-15);
  }

  @Test
  void nonPositivePredictionFailsEveryThresholdThroughTheClamp() {
    DepthMetrics.Scores s = DepthMetrics.scaleAware(new float[] {0f, -0.2f, 0.5f, 0.9f},
        new float[] {0.5f, 0.2f, 0.5f, 0.0f});
    // pixel 4 is invalid; of 3 valid, only pixel 3 is exact
    assertEquals(1.0 / 3, s.delta1(), 1e-15);
    assertEquals(1.0 / 3, s.delta3(), 1e-15);
    assertEquals(Math.sqrt((0.25 + 0.16) / 3), s.rmse(), 1e-7);
    assertEquals((1.0 + 2.0 + 0.0) / 3, s.absRel(), 1e-7);
  }

  @Test
  void nanPredictionFailsThresholdsAndPropagatesToRmse() {
    DepthMetrics.Scores s = DepthMetrics.scaleAware(new float[] {Float.NaN, 0.5f},
        new float[] {0.5f, 0.5f});
    assertEquals(0.5, s.delta1());
    assertTrue(Double.isNaN(s.rmse()));
    assertTrue(Double.isNaN(s.absRel()));
  }

  @Test
  void constantPredictionLeavesTheScaleAtOneAndTheShiftAtZero() {
    float[] gt = ladderGt();
    float[] pred = new float[gt.length];
    java.util.Arrays.fill(pred, 0.3f);
    pred[12] = 9f; // an invalid pixel's value does not make the map non-constant
    double[] st = DepthMetrics.scaleAndShift(pred, gt);
    assertEquals(1.0, st[0]);
    assertEquals(0.0, st[1]);
    assertEquals(DepthMetrics.scaleAware(pred, gt), DepthMetrics.scaleInvariant(pred, gt));
  }

  @Test
  void emptyImageScoresZeroAndCountsInTheMean() {
    DepthMetrics.Table t = new DepthMetrics.Table();
    t.add(new float[] {0.2f, 0.4f}, new float[] {0.2f, 0.4f}); // perfect
    t.add(new float[] {0.2f, 0.4f}, new float[] {0f, 0f}); // no valid pixel: 0 everywhere
    t.add(new float[] {0.3f, 0.3f}, new float[] {0.2f, 0.4f});
    assertEquals(3, t.images());
    assertEquals(1, t.emptyImages());
    // image 3: ratios 1.5 and 1.333 (miss delta1, hit delta2); errors 0.1, 0.1
    DepthMetrics.Scores aware = t.scaleAware();
    assertEquals((1 + 0 + 0) / 3.0, aware.delta1(), 1e-12);
    assertEquals((1 + 0 + 1) / 3.0, aware.delta2(), 1e-12);
    assertEquals((0 + 0 + 0.1) / 3.0, aware.rmse(), 1e-7);
    // image 3 is constant: scale-invariant equals scale-aware there
    assertEquals(aware.delta2(), t.scaleInvariant().delta2(), 1e-12);
    Map<String, Double> m = t.asMap();
    assertEquals(aware.delta1(), m.get("scale_aware.delta1"));
    assertEquals(3.0, m.get("images"));
    assertEquals(12, m.size());
  }

  @Test
  void mismatchedShapesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DepthMetrics.scaleAware(new float[3], new float[4]));
    assertTrue(e.getMessage().contains("3 and 4"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> new DepthMetrics.Table().scaleAware());
  }
}
