package org.egotune.mixer.visor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OpenCV's {@code cv::fillPoly} for a one-channel 8-bit image with {@code lineType = 8},
 * {@code shift = 0} and no offset, re-implemented from the algorithm of OpenCV 4.x
 * {@code modules/imgproc/src/drawing.cpp} ({@code CollectPolyEdges}, {@code FillEdgeCollection},
 * {@code LineIterator}, {@code clipLine}; Apache-2.0) as released in OpenCV 4.6, so that VISOR's polygons rasterise to the
 * very pixels its Python tools produce. Every step keeps OpenCV's integer arithmetic (16.16
 * fixed point, truncating division), because a visually
 * equivalent scan-line fill differs on boundary pixels, on self-intersecting polygons and where
 * polygons of one call overlap. Pinned pixel for pixel by {@code VisorRasterFixturesTest} against
 * label maps that OpenCV 4.6 drew.
 */
final class FillPoly {
  private static final int XY_SHIFT = 16;
  private static final long XY_ONE = 1L << XY_SHIFT;

  private FillPoly() {}

  /** One non-horizontal polygon edge in scan-line form (OpenCV's {@code PolyEdge}). */
  private static final class Edge {
    int y0;
    int y1;
    long x;
    long dx;
    Edge next;
  }

  /**
   * Fills {@code polygons} (each {@code [x0, y0, x1, y1, ...]}, at least one point) into
   * {@code img} (row-major, {@code height x width}) with {@code color}, as one {@code fillPoly}
   * call: polygon outlines are drawn as 8-connected lines, and the interior comes from one
   * scan-line pass over the edges of all polygons together.
   */
  static void fill(byte[] img, int height, int width, List<int[]> polygons, byte color) {
    if (polygons.isEmpty()) {
      return;
    }
    List<Edge> edges = new ArrayList<>();
    for (int[] p : polygons) {
      if (p.length < 2 || p.length % 2 != 0) {
        throw new IllegalArgumentException("a polygon needs x, y pairs, found " + p.length + " values");
      }
      collectEdges(img, height, width, p, edges, color);
    }
    fillEdges(img, height, width, edges, color);
  }

  private static void collectEdges(
      byte[] img, int height, int width, int[] v, List<Edge> edges, byte color) {
    int n = v.length / 2;
    long pt0x = (long) v[2 * (n - 1)] << XY_SHIFT;
    long pt0y = v[2 * (n - 1) + 1];
    for (int i = 0; i < n; i++) {
      long pt1x = (long) v[2 * i] << XY_SHIFT;
      long pt1y = v[2 * i + 1];
      line(img, height, width, (int) ((pt0x + (XY_ONE >> 1)) >> XY_SHIFT), (int) pt0y,
          (int) ((pt1x + (XY_ONE >> 1)) >> XY_SHIFT), (int) pt1y, color);
      if (pt0y != pt1y) {
        Edge e = new Edge();
        // the edge keeps the unclipped endpoints even when the outline leaves the image: later
        // OpenCV releases rebuild it from the clipped ones, which the 4.6 fixtures refute
        e.dx = (pt1x - pt0x) / (pt1y - pt0y);
        if (pt0y < pt1y) {
          e.y0 = (int) pt0y;
          e.y1 = (int) pt1y;
          e.x = pt0x;
        } else {
          e.y0 = (int) pt1y;
          e.y1 = (int) pt0y;
          e.x = pt1x;
        }
        edges.add(e);
      }
      pt0x = pt1x;
      pt0y = pt1y;
    }
  }

  /**
   * Cohen-Sutherland clipping of {@code p = [x1, y1, x2, y2]} to the image, in place, with
   * OpenCV's order of updates (the second point is clipped against the already clipped first).
   *
   * @return whether some part of the segment is inside
   */
  static boolean clipLine(int width, int height, long[] p) {
    long right = width - 1L;
    long bottom = height - 1L;
    if (width <= 0 || height <= 0) {
      return false;
    }
    int c1 = code(p[0], p[1], right, bottom);
    int c2 = code(p[2], p[3], right, bottom);
    if ((c1 & c2) == 0 && (c1 | c2) != 0) {
      long a;
      if ((c1 & 12) != 0) {
        a = c1 < 8 ? 0 : bottom;
        p[0] += (a - p[1]) * (p[2] - p[0]) / (p[3] - p[1]);
        p[1] = a;
        c1 = (p[0] < 0 ? 1 : 0) + (p[0] > right ? 2 : 0);
      }
      if ((c2 & 12) != 0) {
        a = c2 < 8 ? 0 : bottom;
        p[2] += (a - p[3]) * (p[2] - p[0]) / (p[3] - p[1]);
        p[3] = a;
        c2 = (p[2] < 0 ? 1 : 0) + (p[2] > right ? 2 : 0);
      }
      if ((c1 & c2) == 0 && (c1 | c2) != 0) {
        if (c1 != 0) {
          a = c1 == 1 ? 0 : right;
          p[1] += (a - p[0]) * (p[3] - p[1]) / (p[2] - p[0]);
          p[0] = a;
          c1 = 0;
        }
        if (c2 != 0) {
          a = c2 == 1 ? 0 : right;
          p[3] += (a - p[2]) * (p[3] - p[1]) / (p[2] - p[0]);
          p[2] = a;
          c2 = 0;
        }
      }
    }
    return (c1 | c2) == 0;
  }

  private static int code(long x, long y, long right, long bottom) {
    return (x < 0 ? 1 : 0) + (x > right ? 2 : 0) + (y < 0 ? 4 : 0) + (y > bottom ? 8 : 0);
  }

  /** An 8-connected Bresenham line drawn left to right, clipped to the image (LineIterator). */
  private static void line(byte[] img, int height, int width, int x1, int y1, int x2, int y2, byte color) {
    if (x1 < 0 || x1 >= width || x2 < 0 || x2 >= width || y1 < 0 || y1 >= height || y2 < 0 || y2 >= height) {
      long[] p = {x1, y1, x2, y2};
      if (!clipLine(width, height, p)) {
        return;
      }
      x1 = (int) p[0];
      y1 = (int) p[1];
      x2 = (int) p[2];
      y2 = (int) p[3];
    }
    int deltaX = 1;
    int deltaY = 1;
    int dx = x2 - x1;
    int dy = y2 - y1;
    if (dx < 0) {
      dx = -dx;
      dy = -dy;
      x1 = x2;
      y1 = y2;
    }
    if (dy < 0) {
      dy = -dy;
      deltaY = -1;
    }
    boolean vert = dy > dx;
    if (vert) {
      int s = dx;
      dx = dy;
      dy = s;
      s = deltaX;
      deltaX = deltaY;
      deltaY = s;
    }
    // every step moves one pixel along the major axis; a negative error adds one along the minor
    int err = dx - (dy + dy);
    int plusDelta = dx + dx;
    int minusDelta = -(dy + dy);
    int majorX = vert ? 0 : deltaX;
    int majorY = vert ? deltaX : 0;
    int minorX = vert ? deltaY : 0;
    int minorY = vert ? 0 : deltaY;
    int x = x1;
    int y = y1;
    for (int i = 0; i <= dx; i++) {
      img[y * width + x] = color;
      boolean minor = err < 0;
      err += minusDelta + (minor ? plusDelta : 0);
      x += majorX + (minor ? minorX : 0);
      y += majorY + (minor ? minorY : 0);
    }
  }

  private static final Comparator<Edge> EDGE_ORDER =
      Comparator.<Edge>comparingInt(e -> e.y0).thenComparingLong(e -> e.x).thenComparingLong(e -> e.dx);

  /** OpenCV's {@code FillEdgeCollection}: an active-edge scan line filling between edge pairs. */
  private static void fillEdges(byte[] img, int height, int width, List<Edge> edges, byte color) {
    int total = edges.size();
    if (total < 2) {
      return;
    }
    int yMin = Integer.MAX_VALUE;
    int yMax = Integer.MIN_VALUE;
    long xMin = Long.MAX_VALUE;
    long xMax = -1L;
    for (Edge e : edges) {
      long x1 = e.x + (e.y1 - e.y0) * e.dx;
      yMin = Math.min(yMin, e.y0);
      yMax = Math.max(yMax, e.y1);
      xMin = Math.min(xMin, Math.min(e.x, x1));
      xMax = Math.max(xMax, Math.max(e.x, x1));
    }
    if (yMax < 0 || yMin >= height || xMax < 0 || xMin >= ((long) width << XY_SHIFT)) {
      return;
    }
    List<Edge> sorted = new ArrayList<>(edges);
    sorted.sort(EDGE_ORDER);
    Edge sentinel = new Edge();
    sentinel.y0 = Integer.MAX_VALUE;
    sorted.add(sentinel);
    Edge head = new Edge();
    head.y0 = Integer.MAX_VALUE;
    long delta = XY_ONE - 1;
    int i = 0;
    Edge e = sorted.get(0);
    yMax = Math.min(yMax, height);
    for (int y = e.y0; y < yMax; y++) {
      boolean draw = false;
      boolean clipline = y < 0;
      Edge prelast = head;
      Edge last = head.next;
      while (last != null || e.y0 == y) {
        if (last != null && last.y1 == y) {
          prelast.next = last.next;
          last = last.next;
          continue;
        }
        Edge keepPrelast = prelast;
        if (last != null && (e.y0 > y || last.x < e.x)) {
          prelast = last;
          last = last.next;
        } else if (i < total) {
          prelast.next = e;
          e.next = last;
          prelast = e;
          e = sorted.get(++i);
        } else {
          break;
        }
        if (draw) {
          if (!clipline) {
            int x1;
            int x2;
            if (keepPrelast.x > prelast.x) {
              x1 = (int) ((prelast.x + delta) >> XY_SHIFT);
              x2 = (int) (keepPrelast.x >> XY_SHIFT);
            } else {
              x1 = (int) ((keepPrelast.x + delta) >> XY_SHIFT);
              x2 = (int) (prelast.x >> XY_SHIFT);
            }
            if (x1 < width && x2 >= 0) {
              x1 = Math.max(x1, 0);
              x2 = Math.min(x2, width - 1);
              int row = y * width;
              for (int x = x1; x <= x2; x++) {
                img[row + x] = color;
              }
            }
          }
          keepPrelast.x += keepPrelast.dx;
          prelast.x += prelast.dx;
        }
        draw = !draw;
      }
      sortActive(head);
    }
  }

  /** OpenCV's bubble sort of the active edge list by x (stable: equal x keep their order). */
  private static void sortActive(Edge head) {
    Edge keepPrelast = null;
    do {
      Edge prelast = head;
      Edge last = head.next;
      Edge lastExchange = null;
      while (last != keepPrelast && last.next != null) {
        Edge te = last.next;
        if (last.x > te.x) {
          prelast.next = te;
          last.next = te.next;
          te.next = last;
          prelast = te;
          lastExchange = prelast;
        } else {
          prelast = last;
          last = te;
        }
      }
      if (lastExchange == null) {
        break;
      }
      keepPrelast = lastExchange;
    } while (keepPrelast != head.next && keepPrelast != head);
  }
}
