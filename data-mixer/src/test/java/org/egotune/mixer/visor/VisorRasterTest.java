package org.egotune.mixer.visor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.egotune.mixer.mask.Mask;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the VISOR rasterisation rules (the OpenCV fixtures cover the rest). */
class VisorRasterTest {

  @Test
  void rectangleCoversItsCornersInclusive() {
    // truncated corners (2, 1) .. (6, 4): columns 2..6, rows 1..4 -> 5 x 4 pixels
    Mask m = VisorRaster.objectMask(8, 10, List.of(new double[] {2.9, 1.2, 6.7, 1.9, 6.1, 4.99, 2.0, 4.0}));
    assertEquals(20, m.area());
    assertTrue(m.get(1, 2) && m.get(4, 6) && !m.get(0, 2) && !m.get(1, 7) && !m.get(5, 6));
  }

  @Test
  void truncationIsTowardZero() {
    assertArrayEquals(new int[] {0, 0, -1, 2, 3, -2}, VisorRaster.truncate(new double[] {-0.9, 0.99, -1.5, 2.5, 3.999, -2.01}));
  }

  @Test
  void emptyPolygonSetsPixelZeroZeroAndNoPolygonsSetNothing() {
    Mask m = VisorRaster.objectMask(4, 4, List.of(new double[0]));
    assertEquals(1, m.area());
    assertTrue(m.get(0, 0));
    assertEquals(0, VisorRaster.objectMask(4, 4, List.of()).area());
  }

  @Test
  void overlapOfTwoPolygonsOfOneObjectIsAHole() {
    // two 4x4 squares (inclusive corners 0..3 and 2..5) overlap in the open square (2,2)-(3,3)
    List<double[]> two = List.of(new double[] {0, 0, 3, 0, 3, 3, 0, 3}, new double[] {2, 2, 5, 2, 5, 5, 2, 5});
    Mask m = VisorRaster.objectMask(6, 6, two);
    // outlines are always drawn, so only interior pixels of the overlap can be holes; here the
    // overlap is all outline, so the union of 16 + 16 - 4 pixels remains
    assertEquals(28, m.area());
    List<double[]> big = List.of(new double[] {0, 0, 9, 0, 9, 9, 0, 9}, new double[] {3, 3, 6, 3, 6, 6, 3, 6});
    // nested squares: the inner interior (4..5 x 4..5) is a hole, its outline stays
    assertEquals(100 - 4, VisorRaster.objectMask(10, 10, big).area());
  }

  @Test
  void laterObjectsPaintOverEarlierOnes() {
    byte[] map = VisorRaster.labelMap(4, 4, List.of(
        List.of(new double[] {0, 0, 3, 0, 3, 3, 0, 3}), List.of(new double[] {2, 2}, new double[] {1, 1})));
    assertEquals(2, map[2 * 4 + 2]);
    assertEquals(2, map[4 + 1]);
    assertEquals(1, map[0]);
  }

  @Test
  void badCoordinatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> VisorRaster.truncate(new double[] {Double.NaN, 1}));
    assertThrows(IllegalArgumentException.class, () -> VisorRaster.truncate(new double[] {1, 2, 3}));
    assertThrows(IllegalArgumentException.class, () -> VisorRaster.truncate(new double[] {3e6, 1}));
  }
}
