package org.egotune.trainer.metrics;

import static org.egotune.trainer.metrics.TestMasks.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrameOverlapTest {
  @Test
  void countsAndIouOfHandCountedMasks() {
    boolean[] g = m("11..", "11..", "....").rowMajor(); // 4 pixels
    boolean[] p = m(".11.", ".11.", ".11.").rowMajor(); // 6 pixels, 2 shared with g
    FrameOverlap o = FrameOverlap.of(g, p);
    assertEquals(new FrameOverlap(4, 6, 2), o);
    assertEquals(8, o.union());
    assertEquals(2.0 / 8.0, o.iou(), 0.0);
  }

  @Test
  void nullIsEmptyAndAnEmptyUnionScoresOne() {
    boolean[] g = m("1.", "..").rowMajor();
    assertEquals(new FrameOverlap(1, 0, 0), FrameOverlap.of(g, null));
    assertEquals(0.0, FrameOverlap.of(g, null).iou(), 0.0);
    assertEquals(1.0, FrameOverlap.of(null, null).iou(), 0.0);
    assertEquals(1.0, FrameOverlap.of(new boolean[4], new boolean[4]).iou(), 0.0);
  }

  @Test
  void masksOfDifferentSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> FrameOverlap.of(new boolean[4], new boolean[6]));
  }
}
