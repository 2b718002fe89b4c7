package org.egotune.trainer.metrics;

import org.egotune.mixer.mask.Mask;

/** Small masks drawn as text, so a test's expected areas can be counted by eye. */
final class TestMasks {
  private TestMasks() {}

  /** A mask from rows of '1' (foreground) and '.' (background), all rows of one length. */
  static Mask m(String... rows) {
    int h = rows.length;
    int w = rows[0].length();
    boolean[] d = new boolean[h * w];
    for (int y = 0; y < h; y++) {
      if (rows[y].length() != w) {
        throw new IllegalArgumentException("row " + y + " has length " + rows[y].length() + ", expected " + w);
      }
      for (int x = 0; x < w; x++) {
        d[y * w + x] = rows[y].charAt(x) == '1';
      }
    }
    return new Mask(h, w, d);
  }
}
