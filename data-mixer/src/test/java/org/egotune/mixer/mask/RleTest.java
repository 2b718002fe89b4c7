package org.egotune.mixer.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RleTest {

  private static Mask random(SplittableRandom rnd, int h, int w, double p) {
    boolean[] d = new boolean[h * w];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextDouble() < p;
    }
    return new Mask(h, w, d);
  }

  private static void assertRoundTrip(Mask m) {
    Rle rle = Rle.encode(m);
    String s = rle.toCompressedString();
    Rle back = Rle.fromCompressedString(m.height(), m.width(), s);
    assertEquals(rle, back, "counts after string round trip of " + m);
    assertEquals(m, back.decode(), "mask after round trip");
    assertEquals(m.area(), back.area());
    assertEquals(m, new Rle(m.height(), m.width(), rle.counts().clone()).decode());
  }

  @Test
  void randomMasksRoundTripThroughCountsString() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][] sizes = {{1, 1}, {1, 17}, {23, 1}, {3, 3}, {8, 13}, {64, 64}, {31, 7}};
    for (int[] hw : sizes) {
      for (double p : new double[] {0.0, 0.05, 0.5, 0.95, 1.0}) {
        for (int rep = 0; rep < 5; rep++) {
          assertRoundTrip(random(rnd, hw[0], hw[1], p));
        }
      }
    }
  }

  @Test
  void emptyAndFullMasks() {
    Mask empty = Mask.empty(4, 5);
    assertEquals(Rle.empty(4, 5), Rle.encode(empty));
    assertArrayEquals(new int[] {20}, Rle.encode(empty).counts());
    boolean[] all = new boolean[20];
    java.util.Arrays.fill(all, true);
    Mask full = new Mask(4, 5, all);
    assertArrayEquals(new int[] {0, 20}, Rle.encode(full).counts());
    assertRoundTrip(empty);
    assertRoundTrip(full);
  }

  @Test
  void knownThreeByThreeRunsAreColumnMajor() {
    // rows: 1 0 0 / 1 1 0 / 0 0 1
    // columns top to bottom: (1,1,0) (0,1,0) (0,0,1) -> 1 1 0 0 1 0 0 0 1
    // runs from 0s: 0 zeros, 2 ones, 2 zeros, 1 one, 3 zeros, 1 one
    Mask m =
        new Mask(3, 3, new boolean[] {true, false, false, true, true, false, false, false, true});
    assertArrayEquals(new int[] {0, 2, 2, 1, 3, 1}, Rle.encode(m).counts());
    assertEquals(m, new Rle(3, 3, new int[] {0, 2, 2, 1, 3, 1}).decode());
  }

  @Test
  void knownCompressedString() {
    // by hand, pycocotools rleToString: 0 -> '0'; 5 -> '5'; 10 -> ':'; 3-5=-2 -> 30 -> 'N';
    // 80-10=70 -> low 5 bits 6 with continuation (38 -> 'V'), then 2 -> '2'
    Rle rle = new Rle(7, 14, new int[] {0, 5, 10, 3, 80});
    assertEquals("05:NV2", rle.toCompressedString());
    assertEquals(rle, Rle.fromCompressedString(7, 14, "05:NV2"));
    Rle big = new Rle(100, 100, new int[] {4000, 1234, 3, 4763});
    assertEquals(big, Rle.fromCompressedString(100, 100, big.toCompressedString()));
  }

  @Test
  void rejectsWrongTotalNamingTheExpectedTotal() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Rle(3, 3, new int[] {0, 2, 2}));
    assertTrue(e.getMessage().contains("9"), e.getMessage());
    IllegalArgumentException s =
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString(3, 3, "05:NV2"));
    assertTrue(s.getMessage().contains("98") && s.getMessage().contains("= 9"), s.getMessage());
  }

  @Test
  void rejectsInvalidCharacters() {
    for (String bad : new String[] {"0 5", "05~", "05:N\u00e9"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString(7, 14, bad));
      assertTrue(e.getMessage().contains("invalid character"), e.getMessage());
    }
    IllegalArgumentException cut =
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString(7, 14, "05:NV"));
    assertTrue(cut.getMessage().contains("ends inside a run"), cut.getMessage());
  }
}
