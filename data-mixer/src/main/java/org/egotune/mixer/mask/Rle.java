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
      if (v && c > 0) {
        // walk the run down its columns instead of dividing for every pixel
        int x = pos / height;
        int y = pos % height;
        for (int k = 0; k < c; k++) {
          out[y * width + x] = true;
          if (++y == height) {
            y = 0;
            x++;
          }
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

  /** |A and B|, computed by merging the two run lists (no decoding); sizes must match. */
  public static long intersectionArea(Rle a, Rle b) {
    return areaOf(merge(a, b, false));
  }

  /** |A or B|, computed on the runs; sizes must match. */
  public static long unionArea(Rle a, Rle b) {
    return a.area() + b.area() - intersectionArea(a, b);
  }

  /**
   * Intersection over union as pycocotools' {@code iou} computes it for a non-crowd pair:
   * {@code |A and B| / |A or B|}, and 0 when the intersection is empty, so two empty masks score 0
   * (pycocotools' bounding-box pre-check and its {@code if (i == 0) u = 1} both give 0 there). The
   * EgoMask scorer's "both empty scores 1" is a scoring rule applied on top, not part of this.
   *
   * @throws IllegalArgumentException if the sizes differ (pycocotools returns -1 there)
   */
  public static double iou(Rle a, Rle b) {
    long i = intersectionArea(a, b);
    if (i == 0) {
      return 0.0;
    }
    return (double) i / (double) (a.area() + b.area() - i);
  }

  /** The pixel-wise OR of two masks, merged run by run; equals {@code encode} of the decoded OR. */
  public static Rle union(Rle a, Rle b) {
    return new Rle(a.height, a.width, merge(a, b, true));
  }

  private static long areaOf(int[] runs) {
    long s = 0;
    for (int i = 1; i < runs.length; i += 2) {
      s += runs[i];
    }
    return s;
  }

  /**
   * Runs of {@code a OR b} ({@code or}) or {@code a AND b}, in canonical form: starting with 0s and
   * no empty run after the first, exactly what {@link #encode} gives for the decoded result.
   */
  private static int[] merge(Rle a, Rle b, boolean or) {
    if (a.height != b.height || a.width != b.width) {
      throw new IllegalArgumentException(
          "RLE sizes differ: " + a.height + "x" + a.width + " vs " + b.height + "x" + b.width);
    }
    int[] out = new int[a.counts.length + b.counts.length + 1];
    int n = 0;
    int ia = 0;
    int ib = 0;
    long ca = a.counts[0];
    long cb = b.counts[0];
    boolean va = false;
    boolean vb = false;
    boolean cur = false;
    long run = 0;
    while (true) {
      // zero-length runs are legal anywhere in a counts list: step over them, flipping the value
      while (ca == 0 && ia + 1 < a.counts.length) {
        ca = a.counts[++ia];
        va = !va;
      }
      while (cb == 0 && ib + 1 < b.counts.length) {
        cb = b.counts[++ib];
        vb = !vb;
      }
      if (ca == 0 || cb == 0) {
        break; // both totals are height*width, so both lists end here
      }
      long c = Math.min(ca, cb);
      boolean v = or ? va || vb : va && vb;
      if (v != cur) {
        out[n++] = (int) run;
        run = 0;
        cur = v;
      }
      run += c;
      ca -= c;
      cb -= c;
    }
    out[n++] = (int) run;
    return Arrays.copyOf(out, n);
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
