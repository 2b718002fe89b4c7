package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The two-level reduction: in-task partial sums in worker order, then the driver's sum in task order. */
class ReductionTest {
  private static WorkerResult worker(int w, long samples, float[] p, float[] o) {
    return new WorkerResult(w, samples, 0.5 * w, 1, p, o);
  }

  /** Random results whose float sums depend on the order (mixed magnitudes and signs). */
  private static List<WorkerResult> random(int workers, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<WorkerResult> out = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      float[] p = new float[n];
      float[] o = new float[n + 1];
      for (int i = 0; i < n; i++) {
        p[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-6, 7)));
        o[i] = (float) (rng.nextDouble() * 1e-3);
      }
      o[n] = w;
      out.add(worker(w, 1 + rng.nextInt(7), p, o));
    }
    return out;
  }

  private static List<GroupResult> partials(List<WorkerResult> rs, int perTask, boolean avgOpt) {
    List<GroupResult> out = new ArrayList<>();
    for (int g = 0; g < rs.size() / perTask; g++) {
      out.add(Reduction.partial(g, rs.subList(g * perTask, (g + 1) * perTask), avgOpt, null));
    }
    return out;
  }

  @Test
  void twoLevelIsTheInTaskSumThenTheSumOverTasks() {
    List<WorkerResult> rs = random(4, 50, 1);
    float[][] got = Reduction.combine(partials(rs, 2, true), true);
    double total = rs.stream().mapToLong(WorkerResult::samples).sum();
    for (int i = 0; i < 50; i++) {
      // written out independently: ((0 + w0 x0) + w1 x1) for each task, then (0 + t0) + t1
      double t0 = 0.0 + rs.get(0).samples() * (double) rs.get(0).params()[i] + rs.get(1).samples() * (double) rs.get(1).params()[i];
      double t1 = 0.0 + rs.get(2).samples() * (double) rs.get(2).params()[i] + rs.get(3).samples() * (double) rs.get(3).params()[i];
      assertEquals((float) ((0.0 + t0 + t1) / total), got[0][i], 0f, "parameter " + i);
    }
  }

  @Test
  void oneWorkerPerTaskIsTheFlatInOrderSum() {
    List<WorkerResult> rs = random(5, 40, 2);
    float[][] got = Reduction.combine(partials(rs, 1, true), true);
    double total = rs.stream().mapToLong(WorkerResult::samples).sum();
    for (int i = 0; i < 40; i++) {
      double s = 0;
      for (WorkerResult r : rs) {
        s += r.samples() * (double) r.params()[i];
      }
      assertEquals((float) (s / total), got[0][i], 0f, "parameter " + i);
    }
    assertArrayEquals(got[0], TrainingRun.average(rs, true)[0], "average() is the flat reduction");
  }

  @Test
  void everyTreeIsWithinRoundingOfTheExactAverage() {
    List<WorkerResult> rs = random(8, 200, 3);
    long total = rs.stream().mapToLong(WorkerResult::samples).sum();
    for (int perTask : new int[] {1, 2, 4, 8}) {
      float[][] got = Reduction.combine(partials(rs, perTask, true), true);
      for (int i = 0; i < 200; i++) {
        BigDecimal exact = BigDecimal.ZERO;
        for (WorkerResult r : rs) {
          exact = exact.add(new BigDecimal(r.params()[i]).multiply(BigDecimal.valueOf(r.samples())));
        }
        float want = exact.divide(BigDecimal.valueOf(total), MathContext.DECIMAL128).floatValue();
        // the double sums are good to ~1e-16 relative; after rounding to float at most one ulp apart
        // (the terms reach 1e6 while some averages are near 1e-6, so measure against the terms)
        double scale = 0;
        for (WorkerResult r : rs) {
          scale = Math.max(scale, Math.abs(r.params()[i]));
        }
        assertEquals(want, got[0][i], Math.max(Math.ulp(want), scale * 1e-14),
            "perTask " + perTask + ", parameter " + i);
      }
    }
  }

  @Test
  void optimizerStateIsAveragedOrWorkerZerosIsKept() {
    List<WorkerResult> rs = random(4, 3, 4);
    float[][] kept = Reduction.combine(partials(rs, 2, false), false);
    assertArrayEquals(rs.get(0).optimizer(), kept[1], "worker 0's state, as is");
    float[][] avg = Reduction.combine(partials(rs, 2, true), true);
    double total = rs.stream().mapToLong(WorkerResult::samples).sum();
    double last = 0;
    for (WorkerResult r : rs) {
      last += r.samples() * (double) r.worker(); // o[n] = worker id
    }
    assertEquals((float) (last / total), avg[1][3], 1e-6f, "sample-weighted optimizer value");
    assertEquals(null, partials(rs, 2, false).get(1).keptOptimizer(), "only task 0 ships worker 0's state");
  }

  @Test
  void countsSamplesAndLosses() {
    List<WorkerResult> rs = random(4, 2, 5);
    GroupResult g = Reduction.partial(1, rs.subList(2, 4), true, null);
    assertEquals(rs.get(2).samples() + rs.get(3).samples(), g.samples());
    assertEquals(rs.get(2).lossSum() + rs.get(3).lossSum(), g.lossSum(), 0);
    assertEquals(2, g.lossSteps());
    assertEquals(2, g.firstWorker());
  }

  @Test
  void resultsOutOfOrderAreRefused() {
    List<WorkerResult> rs = random(4, 2, 6);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Reduction.partial(0, List.of(rs.get(1), rs.get(0)), true, null));
    assertTrue(e.getMessage().contains("expected worker 2") || e.getMessage().contains("out of order"), e.getMessage());
    List<GroupResult> ps = partials(rs, 2, true);
    e = assertThrows(IllegalStateException.class, () -> Reduction.combine(List.of(ps.get(1), ps.get(0)), true));
    assertTrue(e.getMessage().contains("out of order"), e.getMessage());
  }

  @Test
  void groupingChangesOnlyTheLastBits() {
    List<WorkerResult> rs = random(8, 500, 7);
    float[] flat = Reduction.combine(partials(rs, 1, true), true)[0];
    float[] node = Reduction.combine(partials(rs, 4, true), true)[0];
    int differ = 0;
    for (int i = 0; i < flat.length; i++) {
      if (flat[i] != node[i]) {
        differ++;
        assertTrue(Math.abs(flat[i] - node[i]) <= Math.ulp(flat[i]), "parameter " + i + " differs by more than an ulp");
      }
    }
    assertFalse(differ > flat.length / 10, differ + " of " + flat.length + " differ");
  }

  @Test
  void aSingleWorkerTaskShipsFloatsAndSumsTheSame() {
    List<WorkerResult> rs = random(3, 30, 8);
    GroupResult one = Reduction.partial(0, rs.subList(0, 1), true, null);
    assertEquals(null, one.paramSum(), "no double sums for one worker");
    assertArrayEquals(rs.get(0).params(), one.single().params(), "its own float parameters");
    // mixing single-worker and two-worker tasks: the same as the sums written out
    List<GroupResult> mixed = List.of(one, Reduction.partial(1, rs.subList(1, 3), true, null));
    float[][] got = Reduction.combine(mixed, true);
    double total = rs.stream().mapToLong(WorkerResult::samples).sum();
    for (int i = 0; i < 30; i++) {
      double t1 = 0.0 + rs.get(1).samples() * (double) rs.get(1).params()[i] + rs.get(2).samples() * (double) rs.get(2).params()[i];
      double s = 0.0 + rs.get(0).samples() * (double) rs.get(0).params()[i] + t1;
      assertEquals((float) (s / total), got[0][i], 0f, "parameter " + i);
    }
    GroupResult noMoments = Reduction.partial(1, rs.subList(1, 2), false, null);
    assertEquals(0, noMoments.single().optimizer().length, "moments not averaged: worker 1 ships none");
  }
}
