package org.egotune.mixer.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MixAudit} against two independent computations: closed forms for 80/20, and brute-force
 * statistics over the whole order as {@link RatioMixer#range} lists it.
 */
class MixAuditTest {
  private static final double EPS = 1e-9;

  @Test
  void eightyTwentyMatchesTheClosedForm() {
    // 80/20 repeats E E X E E: ego prefix counts 1,2,2,3,4 against 0.8,1.6,2.4,3.2,4.0, so the
    // worst prefix deviation is 0.4 (reached first at n = 2) for both sources, and every window
    // whose size is a multiple of 5 holds exactly 80 % ego.
    List<MixSource> s = List.of(new MixSource("ego", 120, 0.8), new MixSource("exo", 58, 0.2));
    MixAudit.Report r = MixAudit.audit(s, new boolean[] {true, true}, 42, 2400, 40);
    assertEquals(2400, r.total());
    assertEquals(60, r.windows());
    MixAudit.SourceAudit ego = r.sources().get(0);
    MixAudit.SourceAudit exo = r.sources().get(1);
    assertEquals(1920, ego.count());
    assertEquals(480, exo.count());
    assertEquals(0.8, ego.realised(), EPS);
    assertEquals(0.4, ego.maxPrefixDeviation(), EPS);
    assertEquals(2, ego.maxPrefixDeviationAt());
    assertEquals(0.4, exo.maxPrefixDeviation(), EPS);
    assertEquals(0.8, ego.windowShareMin(), EPS);
    assertEquals(0.8, ego.windowShareMax(), EPS);
    assertEquals(0.0, ego.worstWindowDeviation(), EPS);
    assertEquals(16.0, ego.epochs(), EPS); // 1920 / 120
    assertEquals(16, ego.maxUses());
    assertEquals(480.0 / 58, exo.epochs(), EPS);
    assertEquals(9, exo.maxUses()); // 480 = 8 x 58 + 16
  }

  @Test
  void threeSourcesMatchBruteForceOverTheOrder() {
    List<MixSource> s = List.of(new MixSource("a", 7, 0.55), new MixSource("b", 13, 0.3),
        new MixSource("c", 3, 0.15));
    long total = 997; // not a multiple of the window: the last window is short
    int window = 24;
    MixAudit.Report r = MixAudit.audit(s, new boolean[] {true, false, true}, 5, total, window);
    List<MixEntry> order = new RatioMixer(s, 5).range(0, (int) total);
    for (int k = 0; k < s.size(); k++) {
      double w = s.get(k).weight();
      long count = 0;
      double maxDev = 0;
      double minShare = 1;
      double maxShare = 0;
      double worstWin = 0;
      long maxEpoch = -1;
      for (int start = 0; start < total; start += window) {
        int len = (int) Math.min(window, total - start);
        long c = 0;
        for (int i = start; i < start + len; i++) {
          if (order.get(i).source() == k) {
            c++;
          }
        }
        minShare = Math.min(minShare, (double) c / len);
        maxShare = Math.max(maxShare, (double) c / len);
        worstWin = Math.max(worstWin, Math.abs(c - w * len));
      }
      for (int n = 1; n <= total; n++) {
        MixEntry e = order.get(n - 1);
        if (e.source() == k) {
          count++;
          maxEpoch = Math.max(maxEpoch, e.epoch());
        }
        maxDev = Math.max(maxDev, Math.abs(count - w * n));
      }
      MixAudit.SourceAudit a = r.sources().get(k);
      assertEquals(count, a.count(), s.get(k).name());
      assertEquals((double) count / total, a.realised(), EPS);
      assertEquals(maxDev, a.maxPrefixDeviation(), EPS);
      assertTrue(a.maxPrefixDeviation() <= 1.0, "Megatron bound: within one sample in every prefix");
      assertEquals(minShare, a.windowShareMin(), EPS);
      assertEquals(maxShare, a.windowShareMax(), EPS);
      assertEquals(worstWin, a.worstWindowDeviation(), EPS);
      if (k == 1) {
        assertEquals(-1, a.size());
        assertTrue(Double.isNaN(a.epochs()), "unknown size: no epochs");
      } else {
        assertEquals(maxEpoch + 1, a.maxUses(), "a sample is used once per epoch the source reaches");
      }
    }
    assertEquals(42, r.windows()); // ceil(997 / 24)
  }

  @Test
  void rejectsBadArguments() {
    List<MixSource> s = List.of(new MixSource("a", 1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> MixAudit.audit(s, new boolean[] {true}, 1, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> MixAudit.audit(s, new boolean[] {true}, 1, 4, 0));
    assertThrows(IllegalArgumentException.class, () -> MixAudit.audit(s, new boolean[0], 1, 4, 4));
  }
}
