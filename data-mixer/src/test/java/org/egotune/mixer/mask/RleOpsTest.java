package org.egotune.mixer.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Run-length union, intersection and IoU against the same quantities on decoded masks. */
class RleOpsTest {

  /** Blobby random masks (runs of random length), sometimes empty or full, to hit every edge. */
  private static Mask randomMask(SplittableRandom rnd, int h, int w) {
    boolean[] px = new boolean[h * w];
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      return new Mask(h, w, px);
    }
    if (kind == 1) {
      java.util.Arrays.fill(px, true);
      return new Mask(h, w, px);
    }
    boolean v = rnd.nextBoolean();
    int i = 0;
    while (i < px.length) {
      int run = 1 + rnd.nextInt(Math.max(1, px.length / 4));
      for (int k = i; k < Math.min(px.length, i + run); k++) {
        px[k] = v;
      }
      i += run;
      v = !v;
    }
    return new Mask(h, w, px);
  }

  @Test
  void runOperationsEqualDecodedOperationsOnRandomMasks() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int trial = 0; trial < 2000; trial++) {
      int h = 1 + rnd.nextInt(12);
      int w = 1 + rnd.nextInt(12);
      Mask a = randomMask(rnd, h, w);
      Mask b = randomMask(rnd, h, w);
      Rle ra = Rle.encode(a);
      Rle rb = Rle.encode(b);
      long inter = a.intersectionArea(b);
      long union = a.unionArea(b);
      String ctx = "trial " + trial + " " + h + "x" + w;
      assertEquals(inter, Rle.intersectionArea(ra, rb), ctx);
      assertEquals(union, Rle.unionArea(ra, rb), ctx);
      assertEquals(inter == 0 ? 0.0 : (double) inter / union, Rle.iou(ra, rb), 0.0, ctx);
      // union is canonical: identical runs to encoding the decoded OR
      assertEquals(Rle.encode(a.union(b)), Rle.union(ra, rb), ctx);
    }
  }

  @Test
  void zeroLengthRunsInTheInputAreMergedAway() {
    // 2x2: [0, 0 ones, 0 zeros, ...] style non-canonical lists are legal input
    Rle odd = new Rle(2, 2, new int[] {1, 0, 0, 2, 1});
    Rle canon = Rle.encode(odd.decode());
    Rle empty = Rle.empty(2, 2);
    assertEquals(canon, Rle.union(odd, empty));
    assertEquals(2, Rle.intersectionArea(odd, Rle.encode(new Mask(2, 2, new boolean[] {
        true, true, true, true}))));
  }

  @Test
  void iouFollowsPycocotoolsOnEmptyMasks() {
    Rle e = Rle.empty(3, 4);
    Rle full = Rle.encode(new Mask(3, 4, new boolean[] {
        true, true, true, true, true, true, true, true, true, true, true, true}));
    assertEquals(0.0, Rle.iou(e, e), "both empty: pycocotools gives 0, not 1");
    assertEquals(0.0, Rle.iou(e, full));
    assertEquals(1.0, Rle.iou(full, full));
    assertEquals(0, Rle.unionArea(e, e));
  }

  @Test
  void sizeMismatchIsRefused() {
    IllegalArgumentException ex =
        assertThrows(IllegalArgumentException.class,
            () -> Rle.union(Rle.empty(2, 3), Rle.empty(3, 2)));
    assertEquals("RLE sizes differ: 2x3 vs 3x2", ex.getMessage());
  }
}
