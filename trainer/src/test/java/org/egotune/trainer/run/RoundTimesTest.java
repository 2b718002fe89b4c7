package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-round time split. */
class RoundTimesTest {
  private static GroupResult.TaskTiming task(long startMs, long endMs) {
    long compute = (endMs - startMs) * 1_000_000;
    return new GroupResult.TaskTiming(2_000_000, compute, 1_000_000, compute + 3_000_000,
        startMs * 1000, endMs * 1000);
  }

  @Test
  void tasksSideBySideCountOnceAndTasksInWavesAddUp() {
    // side by side: [0, 400] and [10, 390] ms -> 400 ms of training
    assertEquals(400_000, RoundTimes.unionMicros(List.of(task(0, 400), task(10, 390))));
    // two waves on one slot: [0, 400] then [405, 800] -> 795 ms
    assertEquals(795_000, RoundTimes.unionMicros(List.of(task(405, 800), task(0, 400))));
    // mixed: [0, 100] and [50, 200] overlap, [300, 350] apart -> 200 + 50
    assertEquals(250_000, RoundTimes.unionMicros(List.of(task(300, 350), task(50, 200), task(0, 100))));
  }

  @Test
  void partsAddUpToTheRoundAndTheOverheadIsTheRest() {
    long ms = 1_000_000;
    // driver broadcast 5 ms, job 430 ms, driver reduce 1 ms, checkpoint 20 ms, round 470 ms
    RoundTimes t = RoundTimes.of(5 * ms, 430 * ms, List.of(task(0, 400), task(10, 390)), ms, 20 * ms, 470 * ms);
    assertEquals(0.400, t.compute(), 1e-9, "union of the training intervals");
    assertEquals(0.007, t.broadcast(), 1e-9, "driver 5 ms + slowest fetch 2 ms");
    assertEquals(0.002, t.reduce(), 1e-9, "in-task 1 ms + driver 1 ms");
    assertEquals(0.027, t.scheduling(), 1e-9, "job 430 - compute 400 - fetch 2 - in-task reduce 1");
    assertEquals(0.020, t.checkpoint(), 1e-9);
    assertEquals(0.470, t.total(), 1e-9);
    assertEquals(t.total(), t.broadcast() + t.compute() + t.reduce() + t.scheduling() + t.update() + t.checkpoint(), 1e-9);
    assertEquals(1 - 0.4 / 0.47, t.overheadShare(), 1e-9);
  }

  @Test
  void refusesNegativeOrNonFiniteParts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RoundTimes(0, -1, 0, 0, 0, 0, 1));
    assertEquals(true, e.getMessage().contains("compute"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RoundTimes(0, 0, 0, 0, 0, Double.NaN, 1));
  }
}
