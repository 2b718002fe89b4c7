package org.egotune.mixer.mask;

import java.util.Arrays;

/**
 * A COCO run-length encoded mask: alternating runs of 0s and 1s, starting with 0s, over the pixels in
 * column-major (Fortran) order, exactly as pycocotools stores it. Converts to and from the counts
 * list, the compressed string form and {@link Mask}.
 *
 * @param height mask height
 * @param width mask width
 * @param counts run lengths; they sum to {@code height * width}
 */
public record Rle(int height, int width, int[] counts) implements java.io.Serializable {

  public Rle {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "RLE size must be positive, found [" + height + ", " + width + "]");
    }
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("RLE run " + i + " is negative: " + counts[i]);
      }
      total += counts[i];
    }
    if (total != (long) height * width) {
      throw new IllegalArgumentException(
          "RLE runs sum to " + total + ", expected height*width = " + height + "*" + width + " = "
              + (long) height * width);
    }
  }

  /** Encodes a mask (column-major runs, as pycocotools' {@code encode}). */
  public static Rle encode(Mask mask) {
    int h = mask.height();
    int w = mask.width();
    int[] runs = new int[h * w + 1];
    int n = 0;
    boolean current = false;
    int run = 0;
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < h; y++) {
        boolean v = mask.get(y, x);
        if (v != current) {
          runs[n++] = run;
          run = 0;
          current = v;
        }
        run++;
      }
    }
    runs[n++] = run;
    return new Rle(h, w, Arrays.copyOf(runs, n));
  }

  /** An RLE of an all-background mask. */
  public static Rle empty(int height, int width) {
    return new Rle(height, width, new int[] {height * width});
  }

  /** Decodes to a row-major {@link Mask}. */
  public Mask decode() {
    boolean[] out = new boolean[height * width];
    int pos = 0;
    boolean v = false;
    for (int c : counts) {
      if (v) {
        for (int k = pos; k < pos + c; k++) {
          int x = k / height;
          int y = k % height;
          out[y * width + x] = true;
        }
      }
      pos += c;
      v = !v;
    }
    return new Mask(height, width, out);
  }

  /** Foreground pixel count, computed on the runs. */
  public long area() {
    long a = 0;
    for (int i = 1; i < counts.length; i += 2) {
      a += counts[i];
    }
    return a;
  }

  /** The compressed string form (pycocotools {@code rleToString}). */
  public String toCompressedString() {
    StringBuilder s = new StringBuilder(counts.length * 2);
    for (int i = 0; i < counts.length; i++) {
      long x = counts[i];
      if (i > 2) {
        x -= counts[i - 2];
      }
      boolean more = true;
      while (more) {
        long c = x & 0x1f;
        x >>= 5;
        more = (c & 0x10) != 0 ? x != -1 : x != 0;
        if (more) {
          c |= 0x20;
        }
        s.append((char) (c + 48));
      }
    }
    return s.toString();
  }

  /**
   * Parses the compressed string form (pycocotools {@code rleFrString}).
   *
   * @throws IllegalArgumentException if a character is outside the alphabet, the string ends inside
   *     a run, or the runs do not sum to {@code height * width}
   */
  public static Rle fromCompressedString(int height, int width, String s) {
    int[] cnts = new int[s.length()];
    int m = 0;
    int p = 0;
    while (p < s.length()) {
      long x = 0;
      int k = 0;
      boolean more = true;
      while (more) {
        if (p >= s.length()) {
          throw new IllegalArgumentException(
              "RLE counts string ends inside a run at character " + p);
        }
        int c = s.charAt(p) - 48;
        if (c < 0 || c > 63) {
          throw new IllegalArgumentException(
              "RLE counts string has invalid character '" + s.charAt(p) + "' at " + p);
        }
        if (k > 6) {
          throw new IllegalArgumentException("RLE counts string has an over-long run at " + p);
        }
        x |= (long) (c & 0x1f) << (5 * k);
        more = (c & 0x20) != 0;
        p++;
        k++;
        if (!more && (c & 0x10) != 0) {
          x |= -1L << (5 * k);
        }
      }
      if (m > 2) {
        x += cnts[m - 2];
      }
      if (x < 0 || x > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("RLE run " + m + " is out of range: " + x);
      }
      cnts[m++] = (int) x;
    }
    return new Rle(height, width, Arrays.copyOf(cnts, m));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rle r
        && r.height == height
        && r.width == width
        && Arrays.equals(r.counts, counts);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * height + width) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "Rle[" + height + "x" + width + ", runs=" + counts.length + ", area=" + area() + "]";
  }
}
