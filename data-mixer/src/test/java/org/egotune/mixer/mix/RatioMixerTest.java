package org.egotune.mixer.mix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RatioMixerTest {

  private static List<MixSource> sources(double... weights) {
    List<MixSource> out = new ArrayList<>();
    long[] sizes = {23, 7, 11, 5, 13};
    for (int s = 0; s < weights.length; s++) {
      out.add(new MixSource("src" + s, sizes[s % sizes.length], weights[s]));
    }
    return out;
  }

  private static void assertExact(List<MixSource> src, int n) {
    RatioMixer m = new RatioMixer(src, 1);
    long[] counts = new long[src.size()];
    for (MixEntry e : m.range(0, n)) {
      counts[e.source()]++;
      long p = e.position() + 1;
      for (int s = 0; s < counts.length; s++) {
        double exact = src.get(s).weight() * p;
        assertTrue(
            Math.abs(counts[s] - exact) <= 1.0 + 1e-9,
            "source " + s + " after " + p + " positions: " + counts[s] + " vs " + exact);
      }
    }
  }

  @Test
  void everyPrefixIsWithinOneOfTheExactShare() {
    assertExact(sources(0.8, 0.2), 5000);
    assertExact(sources(0.7, 0.2, 0.1), 5000);
    assertExact(sources(1.0 / 3, 1.0 / 3, 1.0 / 3), 5000);
    assertExact(sources(0.5, 0.25, 0.125, 0.0625, 0.0625), 5000);
    Random rnd = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      int k = 2 + rnd.nextInt(4);
      double[] w = new double[k];
      double sum = 0;
      for (int i = 0; i < k; i++) {
        w[i] = rnd.nextDouble();
        sum += w[i];
      }
      double acc = 0;
      for (int i = 0; i < k - 1; i++) {
        w[i] /= sum;
        acc += w[i];
      }
      w[k - 1] = 1 - acc;
      assertExact(sources(w), 2000);
    }
  }

  @Test
  void eightyTwentyIsExactInEveryWindowOfFive() {
    RatioMixer m = new RatioMixer(sources(0.8, 0.2), 9);
    List<MixEntry> r = m.range(0, 1000);
    for (int w = 0; w < 1000; w += 5) {
      long ego = r.subList(w, w + 5).stream().filter(e -> e.source() == 0).count();
      assertEquals(4, ego, "window at " + w);
    }
    assertEquals(Map.of("src0", 800L, "src1", 200L), m.countsUpTo(1000));
  }

  @Test
  void sameSeedSameOrderOtherSeedOtherOrder() {
    List<MixSource> src = sources(0.7, 0.2, 0.1);
    List<MixEntry> a = new RatioMixer(src, 42).range(0, 500);
    assertEquals(a, new RatioMixer(src, 42).range(0, 500));
    List<MixEntry> b = new RatioMixer(src, 43).range(0, 500);
    assertNotEquals(a, b);
    // Only the sample indices change with the seed; the source sequence is the weights' alone.
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).source(), b.get(i).source());
    }
  }

  @Test
  void goldenOrderIsStable() {
    // Pins the mix and the shuffle (including SplittableRandom's algorithm) across JDKs and edits.
    RatioMixer m = new RatioMixer(sources(0.7, 0.2, 0.1), 1234);
    StringBuilder sb = new StringBuilder();
    for (MixEntry e : m.range(0, 12)) {
      sb.append(e.source()).append(':').append(e.index()).append(' ');
    }
    assertEquals(GOLDEN, sb.toString().trim());
  }

  static final String GOLDEN = "0:5 0:2 1:2 0:22 0:8 2:0 0:18 0:17 1:6 0:20 0:3 0:7";

  @Test
  void everyIndexOncePerEpochAndReshuffled() {
    List<MixSource> src = sources(0.7, 0.2, 0.1);
    RatioMixer m = new RatioMixer(src, 5);
    Map<String, List<Long>> byEpoch = new HashMap<>();
    for (MixEntry e : m.range(0, 3000)) {
      byEpoch.computeIfAbsent(e.source() + "/" + e.epoch(), k -> new ArrayList<>()).add(e.index());
    }
    int complete = 0;
    for (Map.Entry<String, List<Long>> kv : byEpoch.entrySet()) {
      int s = Integer.parseInt(kv.getKey().split("/")[0]);
      long size = src.get(s).size();
      List<Long> idx = kv.getValue();
      Set<Long> distinct = new HashSet<>(idx);
      assertEquals(idx.size(), distinct.size(), "repeat within epoch " + kv.getKey());
      if (idx.size() == size) {
        complete++;
        for (long i = 0; i < size; i++) {
          assertTrue(distinct.contains(i), kv.getKey() + " misses " + i);
        }
      }
    }
    assertTrue(complete > 100, "complete epochs: " + complete);
    assertNotEquals(
        byEpoch.get("0/0"), byEpoch.get("0/1"), "source 0 should be reshuffled every epoch");
  }

  @Test
  void resumeFromStateContinuesIdentically() {
    List<MixSource> src = sources(0.7, 0.2, 0.1);
    RatioMixer full = new RatioMixer(src, 77);
    List<MixEntry> expected = full.range(0, 1000);
    for (long p : new long[] {0, 1, 17, 333, 999}) {
      MixerState st = full.stateAt(p);
      assertEquals(p, st.position());
      RatioMixer resumed = RatioMixer.resume(src, 77, st);
      assertEquals(expected.subList((int) p, 1000), resumed.range(p, (int) (1000 - p)));
      // A fresh mixer asked for the saved position gives the same continuation too.
      assertEquals(
          expected.subList((int) p, 1000), new RatioMixer(src, 77).range(p, (int) (1000 - p)));
      // Reading before the resumed state falls back to replaying from 0.
      assertEquals(expected.get(0), resumed.entryAt(0));
    }
    // Random access in any order agrees with the sequential order.
    RatioMixer r = new RatioMixer(src, 77);
    for (int p : new int[] {500, 3, 999, 998, 0, 250}) {
      assertEquals(expected.get(p), r.entryAt(p));
    }
  }

  @Test
  void resumeRejectsAForeignState() {
    List<MixSource> src = sources(0.7, 0.2, 0.1);
    MixerState other = new RatioMixer(sources(0.2, 0.7, 0.1), 1).stateAt(100);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RatioMixer.resume(src, 1, other));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    MixerState two = new MixerState(3, List.of(2L, 1L));
    e = assertThrows(IllegalArgumentException.class, () -> RatioMixer.resume(src, 1, two));
    assertTrue(e.getMessage().contains("2 source counts"), e.getMessage());
  }

  @Test
  void weightZeroNeverAppearsAndWeightOneIsAll() {
    RatioMixer m = new RatioMixer(sources(0.0, 1.0, 0.0), 3);
    for (MixEntry e : m.range(0, 200)) {
      assertEquals(1, e.source());
    }
    assertEquals(Map.of("src0", 0L, "src1", 200L, "src2", 0L), m.countsUpTo(200));
    RatioMixer half = new RatioMixer(sources(0.5, 0.0, 0.5), 3);
    assertTrue(half.range(0, 1000).stream().noneMatch(e -> e.source() == 1));
  }

  @Test
  void badWeightsAreRejectedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new RatioMixer(sources(0.8, 0.3), 1));
    assertTrue(e.getMessage().contains("src0=0.8, src1=0.3"), e.getMessage());
    assertTrue(e.getMessage().contains("sum to 1.1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MixSource("ego", 10, 1.5));
    assertTrue(e.getMessage().contains("source ego: weight"), e.getMessage());
    assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MixSource("ego", 10, Double.NaN));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MixSource("ego", 0, 0.5));
    assertTrue(e.getMessage().contains("size must be > 0, found 0"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new RatioMixer(sources(0.0, 0.0), 1));
    assertTrue(e.getMessage().contains("sum to 0.0"), e.getMessage());
    List<MixSource> dup = List.of(new MixSource("a", 1, 0.5), new MixSource("a", 1, 0.5));
    e = assertThrows(IllegalArgumentException.class, () -> new RatioMixer(dup, 1));
    assertTrue(e.getMessage().contains("source name a appears twice"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MixerState(3, List.of(1L, 1L)));
    assertTrue(e.getMessage().contains("expected position 3"), e.getMessage());
  }

  @Test
  void workersSplitEachStepWithoutOverlap() {
    int workers = 4;
    int b = 3;
    for (long step = 0; step < 5; step++) {
      Set<Long> seen = new HashSet<>();
      for (int w = 0; w < workers; w++) {
        for (long p : RatioMixer.workerPositions(step, w, workers, b)) {
          assertTrue(seen.add(p), "position " + p + " given twice");
        }
      }
      for (long p = step * workers * b; p < (step + 1) * workers * b; p++) {
        assertTrue(seen.contains(p), "position " + p + " not covered");
      }
    }
    assertArrayEquals(new long[] {30, 31, 32}, RatioMixer.workerPositions(2, 2, 4, 3));
    assertThrows(IllegalArgumentException.class, () -> RatioMixer.workerPositions(0, 4, 4, 3));
    // From a resumed run's position the same slices follow on.
    assertEquals(100 + 30, RatioMixer.workerStart(100, 2, 2, 4, 3));
    assertThrows(IllegalArgumentException.class, () -> RatioMixer.workerStart(-1, 0, 0, 1, 1));
  }

  @Test
  void globalOrderDoesNotDependOnTheNumberOfWorkers() {
    List<MixSource> src = sources(0.7, 0.2, 0.1);
    List<MixEntry> global = new RatioMixer(src, 11).range(0, 96);
    for (int[] wb : new int[][] {{1, 12}, {2, 6}, {3, 4}, {4, 3}, {12, 1}, {8, 2}}) {
      int workers = wb[0];
      int b = wb[1];
      RatioMixer[] perWorker = new RatioMixer[workers];
      for (int w = 0; w < workers; w++) {
        perWorker[w] = new RatioMixer(src, 11);
      }
      List<MixEntry> joined = new ArrayList<>();
      for (long step = 0; joined.size() < global.size(); step++) {
        for (int w = 0; w < workers; w++) {
          joined.addAll(perWorker[w].workerBatch(step, w, workers, b));
        }
      }
      assertEquals(global, joined.subList(0, global.size()), workers + " workers x " + b);
    }
  }
}
