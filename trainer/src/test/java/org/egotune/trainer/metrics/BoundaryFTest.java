package org.egotune.trainer.metrics;

import static org.egotune.trainer.metrics.TestMasks.m;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.egotune.mixer.mask.Mask;
import org.junit.jupiter.api.Test;

/** The DAVIS boundary kernels; the F-measure itself is pinned through the scorers' tests. */
class BoundaryFTest {
  @Test
  void boundaryOfFullFrameMaskIsEmpty() {
    boolean[] full = new boolean[4 * 5];
    Arrays.fill(full, true);
    assertArrayEquals(new boolean[20], BoundaryF.boundaryMap(full, 4, 5));
  }

  @Test
  void boundaryMapMatchesSeg2bmap() {
    // Expected maps printed by numpy running DAVIS's _seg2bmap on the same arrays.
    Mask centre = m("....", ".11.", ".11.", "....");
    Mask expectedCentre = m("111.", "1.1.", "111.", "....");
    assertArrayEquals(
        expectedCentre.rowMajor(), BoundaryF.boundaryMap(centre.rowMajor(), 4, 4));
    Mask corner = m("....", "....", "..11", "..11");
    Mask expectedCorner = m("....", ".111", ".1..", ".1..");
    assertArrayEquals(
        expectedCorner.rowMajor(), BoundaryF.boundaryMap(corner.rowMajor(), 4, 4));
  }

  @Test
  void toleranceRadiusAndDisk() {
    // 480x640: diagonal 800, 0.008 * 800 = 6.4 -> 7.
    assertEquals(7, BoundaryF.toleranceRadius(480, 640));
    // 100x100: diagonal 141.42..., 1.13 -> 2; 240x320: diagonal 400, 3.2 -> 4.
    assertEquals(2, BoundaryF.toleranceRadius(100, 100));
    assertEquals(4, BoundaryF.toleranceRadius(240, 320));
    // skimage disk(7).sum() = 149 and disk(4).sum() = 49.
    assertEquals(149, diskSize(BoundaryF.diskHalfWidths(7)));
    assertEquals(49, diskSize(BoundaryF.diskHalfWidths(4)));
    assertArrayEquals(new int[] {2, 1, 0}, BoundaryF.diskHalfWidths(2));
  }

  private static int diskSize(int[] half) {
    int n = 2 * half[0] + 1;
    for (int d = 1; d < half.length; d++) {
      n += 2 * (2 * half[d] + 1);
    }
    return n;
  }
}
