package org.egotune.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.egotune.mixer.seed.Seeds;
import org.junit.jupiter.api.Test;

/**
 * The point sampler and the point loss against independent computations: bilinear reads as a sum
 * over all pixels of a tent kernel, the selection by sorting boxed candidates, the cross-entropy
 * in its log form, and the gradient by finite differences.
 */
class PointLossTest {
  static final int N = 3;
  static final int S = 8;
  static final int K = 20;
  static final long SEED = 99;

  static float[] randomMap(long seed, double scale, double shift) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] m = new float[N * S * S];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) (r.nextDouble() * scale + shift);
    }
    return m;
  }

  /** grid_sample(align_corners=False, zero padding) at (u, v), as a tent kernel over all pixels. */
  static double read(float[] map, int frame, double u, double v) {
    double x = u * S - 0.5;
    double y = v * S - 0.5;
    double acc = 0;
    for (int py = 0; py < S; py++) {
      for (int px = 0; px < S; px++) {
        double w = Math.max(0, 1 - Math.abs(x - px)) * Math.max(0, 1 - Math.abs(y - py));
        acc += w * map[frame * S * S + py * S + px];
      }
    }
    return acc;
  }

  @Test
  void pointsAreTheMostUncertainCandidatesThenUniformOnes() {
    float[] logits = randomMap(1, 8, -4);
    float[] targets = randomMap(2, 1, 0);
    PointSampler.Points pts = PointSampler.sample(logits, targets, N, S, K, 3.0, 0.75, SEED);
    int uncertain = 15;
    for (int f = 0; f < N; f++) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(SEED, PointSampler.POINTS, f));
      List<double[]> cands = new ArrayList<>();
      for (int c = 0; c < 3 * K; c++) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        cands.add(new double[] {u, v, -Math.abs(read(logits, f, u, v)), c});
      }
      cands.sort(Comparator.<double[]>comparingDouble(a -> -a[2]).thenComparingDouble(a -> a[3]));
      for (int i = 0; i < K; i++) {
        int p = f * K + i;
        double u = i < uncertain ? cands.get(i)[0] : rng.nextDouble();
        double v = i < uncertain ? cands.get(i)[1] : rng.nextDouble();
        assertEquals(u, pts.u()[p], 0, "frame " + f + " point " + i + " u");
        assertEquals(v, pts.v()[p], 0, "frame " + f + " point " + i + " v");
        assertEquals(read(targets, f, u, v), pts.label()[p], 1e-6, "label at point " + p);
        double viaCorners = 0;
        for (int c = 0; c < 4; c++) {
          viaCorners += pts.weight()[p * 4 + c] * logits[pts.index()[p * 4 + c]];
        }
        assertEquals(read(logits, f, u, v), viaCorners, 1e-5, "logit at point " + p);
      }
    }
  }

  @Test
  void theSameSeedDrawsTheSamePointsAndAnotherDoesNot() {
    float[] logits = randomMap(1, 8, -4);
    float[] targets = randomMap(2, 1, 0);
    PointSampler.Points a = PointSampler.sample(logits, targets, N, S, K, 3.0, 0.75, SEED);
    PointSampler.Points b = PointSampler.sample(logits, targets, N, S, K, 3.0, 0.75, SEED);
    PointSampler.Points c = PointSampler.sample(logits, targets, N, S, K, 3.0, 0.75, SEED + 1);
    assertTrue(java.util.Arrays.equals(a.u(), b.u()) && java.util.Arrays.equals(a.index(), b.index()));
    assertTrue(!java.util.Arrays.equals(a.u(), c.u()));
  }

  static final float[] PRESENT = {1, 0, 1};

  @Test
  void lossIsTheCrossEntropyAndDiceAtThePoints() {
    float[] logits = randomMap(3, 6, -3);
    float[] targets = randomMap(4, 1, 0);
    PointSampler.Points pts = PointSampler.sample(logits, targets, N, S, K, 3.0, 0.75, SEED);
    double diceCount = 2 + 1e-6;
    PointLoss loss = PointLoss.of(logits, pts, K, PRESENT, diceCount, 2.0, 0.5);
    double bce = 0;
    double dice = 0;
    for (int f = 0; f < N; f++) {
      double inter = 0;
      double sp = 0;
      double sy = 0;
      for (int i = 0; i < K; i++) {
        double x = read(logits, f, pts.u()[f * K + i], pts.v()[f * K + i]);
        double y = read(targets, f, pts.u()[f * K + i], pts.v()[f * K + i]);
        double p = 1 / (1 + Math.exp(-x));
        bce += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
        inter += p * y;
        sp += p;
        sy += y;
      }
      dice += PRESENT[f] * (1 - (2 * inter + 1) / (sp + sy + 1));
    }
    double expected = 2.0 * bce / (N * K) + 0.5 * dice / diceCount;
    assertEquals(expected, loss.value(), 1e-6 * expected);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    float[] logits = randomMap(5, 6, -3);
    float[] targets = randomMap(6, 1, 0);
    PointSampler.Points pts = PointSampler.sample(logits, targets, N, S, K, 3.0, 0.75, SEED);
    PointLoss loss = PointLoss.of(logits, pts, K, PRESENT, 2, 2.0, 0.5);
    int checkedNonZero = 0;
    int checkedZero = 0;
    for (int i = 0; i < logits.length; i += 3) {
      double h = 1e-2;
      float[] plus = logits.clone();
      float[] minus = logits.clone();
      plus[i] += (float) h;
      minus[i] -= (float) h;
      double fd = (PointLoss.of(plus, pts, K, PRESENT, 2, 2.0, 0.5).value()
          - PointLoss.of(minus, pts, K, PRESENT, 2, 2.0, 0.5).value()) / (plus[i] - minus[i]);
      assertEquals(fd, loss.gradient()[i], 1e-4 + 1e-3 * Math.abs(fd), "pixel " + i);
      if (fd == 0) {
        checkedZero++;
      } else {
        checkedNonZero++;
      }
    }
    assertTrue(checkedNonZero > 20, "pixels under points: " + checkedNonZero);
    assertTrue(checkedZero > 0, "pixels under no point have no gradient: " + checkedZero);
  }
}
