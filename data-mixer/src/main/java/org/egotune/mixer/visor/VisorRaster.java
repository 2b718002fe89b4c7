package org.egotune.mixer.visor;

import java.util.ArrayList;
import java.util.List;
import org.egotune.mixer.mask.Mask;

/**
 * Rasterises VISOR polygons exactly as VISOR's official tools do (VISOR-VIS {@code vis.py}
 * {@code generate_masks_for_image}, VISOR-VOS {@code visor_to_davis.py} {@code generate_masks}):
 * each coordinate is truncated toward zero to int32 ({@code np.array(poly, dtype=np.int32)}), an
 * empty polygon {@code []} becomes the one point {@code [0, 0]} (so it sets pixel (0, 0)), and all
 * polygons of one object are filled by a single OpenCV {@code fillPoly} call ({@link FillPoly}):
 * outlines drawn as 8-connected lines, the interior by one scan line over the edges of all the
 * object's polygons, so where two polygons of one object overlap the overlap is a hole. One- and
 * two-point polygons draw their point or line and add no interior; an object without polygons
 * draws nothing. In a label map, objects are painted in list order, later over earlier.
 */
public final class VisorRaster {

  /**
   * The largest absolute coordinate accepted. OpenCV computes in 64-bit fixed point with
   * products of coordinate differences; within this bound every product is exact in both its
   * integer and its double code paths, so the result is OpenCV's whatever the OpenCV 4.x patch
   * release. VISOR's coordinates are pixels of a 1920x1080 frame.
   */
  public static final double MAX_ABS_COORDINATE = 1 << 20;

  private VisorRaster() {}

  /**
   * One polygon's coordinates as the tools pass them to OpenCV: {@code [x0, y0, x1, y1, ...]}
   * truncated toward zero; an empty polygon becomes {@code [0, 0]}.
   *
   * @param xy the polygon's float coordinates, interleaved
   * @throws IllegalArgumentException for an odd length, a non-finite value or one beyond
   *     {@link #MAX_ABS_COORDINATE}
   */
  public static int[] truncate(double[] xy) {
    if (xy.length == 0) {
      return new int[] {0, 0};
    }
    if (xy.length % 2 != 0) {
      throw new IllegalArgumentException("a polygon needs x, y pairs, found " + xy.length + " values");
    }
    int[] out = new int[xy.length];
    for (int i = 0; i < xy.length; i++) {
      double v = xy[i];
      if (!Double.isFinite(v) || Math.abs(v) > MAX_ABS_COORDINATE) {
        throw new IllegalArgumentException("coordinate " + i + " is " + v
            + " (expected a finite pixel coordinate within +-" + (long) MAX_ABS_COORDINATE + ")");
      }
      out[i] = (int) v; // Java's double-to-int cast truncates toward zero, like numpy's int32 cast
    }
    return out;
  }

  /**
   * Paints one object's polygons into {@code labels} (row-major {@code height x width}) with
   * {@code value}, over whatever is there.
   *
   * @param segments the object's polygons, each {@code [x0, y0, x1, y1, ...]} in float pixels
   */
  public static void paint(byte[] labels, int height, int width, List<double[]> segments, int value) {
    if (labels.length != height * width) {
      throw new IllegalArgumentException("labels has " + labels.length + " pixels, expected "
          + height + "x" + width);
    }
    if (value < 0 || value > 255) {
      throw new IllegalArgumentException("value must be in 0..255, found " + value);
    }
    List<int[]> polygons = new ArrayList<>(segments.size());
    for (double[] s : segments) {
      polygons.add(truncate(s));
    }
    FillPoly.fill(labels, height, width, polygons, (byte) value);
  }

  /** One object's binary mask: its polygons drawn alone, with no other object over them. */
  public static Mask objectMask(int height, int width, List<double[]> segments) {
    byte[] labels = new byte[height * width];
    paint(labels, height, width, segments, 1);
    boolean[] px = new boolean[labels.length];
    for (int i = 0; i < px.length; i++) {
      px[i] = labels[i] != 0;
    }
    return new Mask(height, width, px);
  }

  /**
   * The tools' label map of a frame: object {@code i} (0-based in {@code objects}) painted with
   * value {@code i + 1}, later objects over earlier ones; 0 is background.
   *
   * @throws IllegalArgumentException for more than 255 objects (the map is 8-bit, as the tools')
   */
  public static byte[] labelMap(int height, int width, List<List<double[]>> objects) {
    if (objects.size() > 255) {
      throw new IllegalArgumentException("a label map holds at most 255 objects, found " + objects.size());
    }
    byte[] labels = new byte[height * width];
    for (int i = 0; i < objects.size(); i++) {
      paint(labels, height, width, objects.get(i), i + 1);
    }
    return labels;
  }
}
