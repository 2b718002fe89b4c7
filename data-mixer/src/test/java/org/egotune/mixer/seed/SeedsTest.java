package org.egotune.mixer.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeedsTest {
  @Test
  void splitmixIsJavasSplitMix64() {
    // Published first output of SplitMix64 seeded with 0.
    assertEquals(0xE220A8397B1DCDAFL, Seeds.splitmix(0));
    for (long x : new long[] {1, -1, 42, Long.MAX_VALUE, 0x1234_5678_9ABCL}) {
      assertEquals(new SplittableRandom(x).nextLong(), Seeds.splitmix(x));
    }
  }

  @Test
  void nthIsTheGeneratorsSequence() {
    for (long seed : new long[] {0, 7, -3}) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < 5; i++) {
        assertEquals(r.nextLong(), Seeds.nth(seed, i), "seed " + seed + " index " + i);
      }
    }
  }

  @Test
  void streamsDifferByPurposeAndIndex() {
    assertNotEquals(Seeds.mix(1, 2, 3), Seeds.mix(1, 3, 2));
    assertNotEquals(Seeds.mix(1, 2, 3), Seeds.mix(1, 2, 4));
    assertEquals(Seeds.mix(1, 2, 3), Seeds.mix(1, 2, 3));
  }
}
