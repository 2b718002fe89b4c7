package org.egotune.mixer.mask;

import java.util.Arrays;

/**
 * A binary mask of one frame, stored row-major ({@code y * width + x}); the one in-memory mask type
 * every reader, the model's post-processing and the metrics share.
 */
public final class Mask {
  private final int height;
  private final int width;
  private final boolean[] data;

  /** Wraps {@code rowMajor} (not copied); its length must be {@code height * width}. */
  public Mask(int height, int width, boolean[] rowMajor) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "mask size must be positive, found height=" + height + " width=" + width);
    }
    if (rowMajor.length != height * width) {
      throw new IllegalArgumentException(
          "mask data has " + rowMajor.length + " pixels, expected height*width=" + height * width);
    }
    this.height = height;
    this.width = width;
    this.data = rowMajor;
  }

  /** An all-background mask. */
  public static Mask empty(int height, int width) {
    return new Mask(height, width, new boolean[height * width]);
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public boolean get(int y, int x) {
    return data[y * width + x];
  }

  /** The backing row-major array (not a copy: callers that keep it must not mutate it). */
  public boolean[] rowMajor() {
    return data;
  }

  /** Number of foreground pixels. */
  public long area() {
    long n = 0;
    for (boolean b : data) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  public boolean isEmpty() {
    for (boolean b : data) {
      if (b) {
        return false;
      }
    }
    return true;
  }

  /** Pixel-wise OR; both masks must have the same size. */
  public Mask union(Mask other) {
    requireSameSize(other);
    boolean[] out = new boolean[data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = data[i] || other.data[i];
    }
    return new Mask(height, width, out);
  }

  /** |A and B|; both masks must have the same size. */
  public long intersectionArea(Mask other) {
    requireSameSize(other);
    long n = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] && other.data[i]) {
        n++;
      }
    }
    return n;
  }

  /** |A or B|; both masks must have the same size. */
  public long unionArea(Mask other) {
    requireSameSize(other);
    long n = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] || other.data[i]) {
        n++;
      }
    }
    return n;
  }

  private void requireSameSize(Mask other) {
    if (other.height != height || other.width != width) {
      throw new IllegalArgumentException(
          "mask sizes differ: " + height + "x" + width + " vs " + other.height + "x" + other.width);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mask m && m.height == height && m.width == width && Arrays.equals(m.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * height + width) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Mask[" + height + "x" + width + ", area=" + area() + "]";
  }
}
