package org.egotune.trainer.metrics;

/**
 * The DAVIS toolkit's boundary F-measure of one frame ({@code f_measure}, {@code bound_th} 0.008):
 * boundaries by {@code seg2bmap}, tolerance radius {@code ceil(0.008 x image diagonal)}, dilation by
 * skimage's {@code disk}. Shared by {@link EgoMaskScorer} and {@link NvosScorer}.
 *
 * <p>An instance is a workspace for one frame size, reused across frames so a frame costs a few
 * linear passes and no allocation. Dilation by the disk is never materialised: a pixel lies in the
 * dilated boundary iff some row {@code dy} of the disk, whose half-width is {@code half[|dy|]}, has a
 * boundary pixel within that horizontal distance. So each boundary map gets one per-row "distance to
 * the nearest boundary pixel" pass (linear in pixels), and each query pixel checks {@code 2r+1} rows.
 * Only boundary pixels are queried, so the work is linear in pixels whatever the boundary length.
 */
final class BoundaryF {
  /** DAVIS {@code f_measure}'s default {@code bound_th}: a fraction of the image diagonal. */
  static final double BOUNDARY_TOLERANCE_FRACTION = 0.008;

  private final int height;
  private final int width;
  private final int radius;
  // half[d] = the largest k with k^2 + d^2 <= r^2: skimage disk(r) row widths, exactly in integers.
  private final int[] half;
  private boolean[] fgBoundary;
  private boolean[] gtBoundary;
  private int[] fgDistance;
  private int[] gtDistance;

  BoundaryF(int height, int width) {
    this.height = height;
    this.width = width;
    this.radius = toleranceRadius(height, width);
    this.half = diskHalfWidths(radius);
  }

  /**
   * DAVIS {@code f_measure(foreground, gt)}; null stands for an empty mask (whose boundary is
   * empty, which skips the boundary pass).
   */
  double fMeasure(boolean[] foreground, boolean[] gt) {
    int nFg = 0;
    int nGt = 0;
    if (foreground != null) {
      fgBoundary = ensure(fgBoundary);
      nFg = boundaryInto(foreground, height, width, fgBoundary);
    }
    if (gt != null) {
      gtBoundary = ensure(gtBoundary);
      nGt = boundaryInto(gt, height, width, gtBoundary);
    }
    if (nFg == 0 && nGt == 0) {
      return 1.0;
    }
    if (nFg == 0 || nGt == 0) {
      // DAVIS sets (P, R) = (1, 0) or (0, 1): F = 0.
      return 0.0;
    }
    fgDistance = ensure(fgDistance);
    gtDistance = ensure(gtDistance);
    rowDistances(fgBoundary, fgDistance);
    rowDistances(gtBoundary, gtDistance);
    long fgMatch = matches(fgBoundary, gtDistance);
    long gtMatch = matches(gtBoundary, fgDistance);
    double precision = (double) fgMatch / nFg;
    double recall = (double) gtMatch / nGt;
    if (precision + recall == 0.0) {
      return 0.0;
    }
    return 2 * precision * recall / (precision + recall);
  }

  /** Number of pixels of {@code boundary} that lie in the disk dilation of the other map. */
  private long matches(boolean[] boundary, int[] otherDistance) {
    long n = 0;
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        if (boundary[row + x] && inDilation(otherDistance, y, x)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Pixels outside the image add nothing, as OpenCV's dilate with its default border. */
  boolean inDilation(int[] distance, int y, int x) {
    int y0 = Math.max(0, y - radius);
    int y1 = Math.min(height - 1, y + radius);
    for (int yy = y0; yy <= y1; yy++) {
      if (distance[yy * width + x] <= half[Math.abs(yy - y)]) {
        return true;
      }
    }
    return false;
  }

  /** Per row, the horizontal distance to the nearest boundary pixel, capped at radius + 1. */
  private void rowDistances(boolean[] boundary, int[] distance) {
    int cap = radius + 1;
    for (int y = 0; y < height; y++) {
      int row = y * width;
      int d = cap;
      for (int x = 0; x < width; x++) {
        d = boundary[row + x] ? 0 : Math.min(cap, d + 1);
        distance[row + x] = d;
      }
      d = cap;
      for (int x = width - 1; x >= 0; x--) {
        d = boundary[row + x] ? 0 : Math.min(cap, d + 1);
        if (d < distance[row + x]) {
          distance[row + x] = d;
        }
      }
    }
  }

  private boolean[] ensure(boolean[] a) {
    return a != null ? a : new boolean[height * width];
  }

  private int[] ensure(int[] a) {
    return a != null ? a : new int[height * width];
  }

  /** DAVIS tolerance radius {@code ceil(0.008 * ||(H, W)||)}, computed with numpy's arithmetic. */
  static int toleranceRadius(int height, int width) {
    double diagonal = Math.sqrt((double) height * height + (double) width * width);
    return (int) Math.ceil(BOUNDARY_TOLERANCE_FRACTION * diagonal);
  }

  /**
   * DAVIS {@code seg2bmap} on a row-major mask: a pixel is on the boundary when it differs from its
   * right, lower or lower-right neighbour (neighbours outside the image count as background), except
   * that the last row only compares with the right neighbour, the last column only with the lower
   * one, and the bottom-right pixel is never a boundary.
   */
  static boolean[] boundaryMap(boolean[] seg, int height, int width) {
    boolean[] b = new boolean[height * width];
    boundaryInto(seg, height, width, b);
    return b;
  }

  /** Writes {@code seg2bmap(seg)} into {@code b} and returns its number of boundary pixels. */
  static int boundaryInto(boolean[] seg, int height, int width, boolean[] b) {
    int count = 0;
    int lastRow = height - 1;
    int lastCol = width - 1;
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        int k = row + x;
        boolean s = seg[k];
        boolean v;
        if (y < lastRow && x < lastCol) {
          v = (s ^ seg[k + 1]) | (s ^ seg[k + width]) | (s ^ seg[k + width + 1]);
        } else if (y == lastRow && x < lastCol) {
          v = s ^ seg[k + 1];
        } else if (x == lastCol && y < lastRow) {
          v = s ^ seg[k + width];
        } else {
          v = false;
        }
        b[k] = v;
        if (v) {
          count++;
        }
      }
    }
    return count;
  }

  /** Row half-widths of skimage's {@code disk(r)}: offsets (dy, dx) with dx^2 + dy^2 <= r^2. */
  static int[] diskHalfWidths(int radius) {
    int[] half = new int[radius + 1];
    long r2 = (long) radius * radius;
    for (int d = 0; d <= radius; d++) {
      int k = 0;
      while ((long) (k + 1) * (k + 1) + (long) d * d <= r2) {
        k++;
      }
      half[d] = k;
    }
    return half;
  }
}
