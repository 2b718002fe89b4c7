package org.egotune.mixer.depth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.egotune.mixer.reader.DatasetFormatException;

/**
 * A frame's depth label: a normalised inverse-depth map, row-major, {@code height x width} (the
 * frame's size), each value in [0, 1] where larger is nearer and 0 means "no label" (not scored,
 * as {@code gt > 0} selects valid pixels in {@code DepthMetrics}).
 *
 * <p>On disk a label is a NumPy {@code .npy} file of dtype {@code <f4} (float32, little-endian),
 * C order, shape {@code (height, width)}: what {@code np.save(path, d.astype("<f4"))} writes. In a
 * shard it is the same values as raw float32 little-endian bytes ({@link #toShardBytes}).
 */
public final class DepthLabels {

  /** The side of EgoDTM's depth output and target (56 x 56 per frame, B.1 / B.3). */
  public static final int EGODTM_SIDE = 56;

  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private DepthLabels() {}

  /**
   * Parses and checks a {@code .npy} depth label of a {@code height x width} frame.
   *
   * @param file the file's name, for messages
   * @throws DatasetFormatException naming {@code file} and the problem: not an {@code .npy}, not
   *     float32, Fortran order, a shape other than the frame's, a value that is NaN, infinite,
   *     negative or above 1
   */
  public static float[] readNpy(String file, byte[] bytes, int height, int width)
      throws DatasetFormatException {
    if (bytes.length < 10 || !startsWith(bytes, NPY_MAGIC)) {
      throw new DatasetFormatException(file + ": not a NumPy .npy file (expected a float32 depth map"
          + " written by np.save)");
    }
    int major = bytes[6] & 0xff;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = b.getShort(8) & 0xffff;
      headerStart = 10;
    } else if ((major == 2 || major == 3) && bytes.length >= 12) {
      headerLen = b.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw new DatasetFormatException(file + ": unsupported .npy version " + major + " (expected 1, 2 or 3)");
    }
    if (headerStart + headerLen > bytes.length) {
      throw new DatasetFormatException(file + ": truncated .npy header (" + bytes.length + " bytes)");
    }
    String header = new String(bytes, headerStart, (int) headerLen, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, file, "descr");
    if (!descr.equals("<f4")) {
      throw new DatasetFormatException(file + ": dtype is '" + descr + "', expected float32 '<f4'"
          + " (save with d.astype('<f4'))");
    }
    if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
      throw new DatasetFormatException(file + ": fortran_order is True, expected C order");
    }
    String shape = group(SHAPE, header, file, "shape").replace(" ", "");
    String want = height + "," + width;
    if (!shape.equals(want) && !shape.equals(want + ",")) {
      throw new DatasetFormatException(file + ": depth map shape is (" + shape + "), expected ("
          + height + ", " + width + "): the frame's height x width");
    }
    long dataStart = headerStart + headerLen;
    long need = (long) height * width * Float.BYTES;
    if (bytes.length - dataStart != need) {
      throw new DatasetFormatException(file + ": holds " + (bytes.length - dataStart) + " data bytes,"
          + " expected " + need + " for a " + height + "x" + width + " float32 map (truncated?)");
    }
    float[] out = new float[height * width];
    b.position((int) dataStart);
    b.asFloatBuffer().get(out);
    check(file, out, width);
    return out;
  }

  /**
   * Checks every value is a normalised inverse depth.
   *
   * @throws DatasetFormatException naming the first bad pixel (row, column) and its value
   */
  static void check(String file, float[] map, int width) throws DatasetFormatException {
    for (int i = 0; i < map.length; i++) {
      float v = map[i];
      if (!(v >= 0f && v <= 1f)) {
        String what = Float.isNaN(v) ? "NaN" : v < 0 ? "negative" : Float.isInfinite(v) ? "infinite"
            : "above 1";
        throw new DatasetFormatException(file + ": inverse depth at row " + (i / width) + ", column "
            + (i % width) + " is " + what + " (" + v + "); expected normalised inverse depth in"
            + " [0, 1], 0 = no label");
      }
    }
  }

  /** The {@code .npy} bytes (version 1.0, {@code <f4}, C order) of a {@code height x width} map. */
  public static byte[] toNpy(float[] map, int height, int width) {
    requireSize(map, height, width);
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + height + ", " + width + "), }";
    // numpy pads the header with spaces to a multiple of 64 bytes, ending in '\n'
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + map.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(NPY_MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.asFloatBuffer().put(map);
    return b.array();
  }

  /** The map as a shard stores it: float32 little-endian, row-major. */
  public static byte[] toShardBytes(float[] map) {
    ByteBuffer b = ByteBuffer.allocate(map.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(map);
    return b.array();
  }

  /**
   * The map of {@link #toShardBytes}.
   *
   * @throws IllegalArgumentException when the byte count is not that of {@code height x width}
   */
  public static float[] fromShardBytes(byte[] bytes, int height, int width) {
    if (bytes.length != height * width * Float.BYTES) {
      throw new IllegalArgumentException("depth bytes: " + bytes.length + ", expected "
          + height * width * Float.BYTES + " for " + height + "x" + width);
    }
    float[] out = new float[height * width];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /**
   * Resamples a {@code height x width} label to {@code outHeight x outWidth} by area averaging over
   * the valid (&gt; 0) pixels: each output cell is the mean of the input pixels it covers, each
   * weighted by the area of its overlap with the cell (fractional at cell edges, so any ratio works,
   * up or down); invalid pixels take no part, and a cell that covers no valid pixel is 0 (invalid).
   * When the sizes divide, this is average pooling ({@code F.interpolate(mode="area")} on a fully
   * valid map).
   *
   * <p>Why area and not nearest: a 56 x 56 target stands for what the whole cell sees, and the
   * mean keeps thin near structures (a handle, a rim) at their share of the cell instead of
   * keeping or dropping them by where the sample point falls. Why invalid pixels are left out: 0
   * means "no label", not "infinitely far", and averaging it in would pull cells far.
   */
  public static float[] resample(float[] map, int height, int width, int outHeight, int outWidth) {
    requireSize(map, height, width);
    if (outHeight <= 0 || outWidth <= 0) {
      throw new IllegalArgumentException("output size must be positive, found " + outHeight + "x" + outWidth);
    }
    double[][] wy = overlaps(height, outHeight);
    double[][] wx = overlaps(width, outWidth);
    int[] y0 = firstCovered(height, outHeight);
    int[] x0 = firstCovered(width, outWidth);
    float[] out = new float[outHeight * outWidth];
    for (int oy = 0; oy < outHeight; oy++) {
      for (int ox = 0; ox < outWidth; ox++) {
        double sum = 0;
        double weight = 0;
        for (int j = 0; j < wy[oy].length; j++) {
          int y = y0[oy] + j;
          for (int i = 0; i < wx[ox].length; i++) {
            float v = map[y * width + x0[ox] + i];
            if (v > 0) {
              double w = wy[oy][j] * wx[ox][i];
              sum += w * v;
              weight += w;
            }
          }
        }
        out[oy * outWidth + ox] = weight > 0 ? (float) (sum / weight) : 0f;
      }
    }
    return out;
  }

  /** {@link #resample} to EgoDTM's 56 x 56. */
  public static float[] resampleToEgoDtm(float[] map, int height, int width) {
    return resample(map, height, width, EGODTM_SIDE, EGODTM_SIDE);
  }

  /**
   * For each output cell along one axis, the overlap length (in input pixels) with each input
   * pixel from {@link #firstCovered}: cell {@code o} spans [o n / m, (o + 1) n / m) of the input.
   */
  private static double[][] overlaps(int n, int m) {
    double[][] out = new double[m][];
    int[] first = firstCovered(n, m);
    for (int o = 0; o < m; o++) {
      double lo = (double) o * n / m;
      double hi = (double) (o + 1) * n / m;
      int last = Math.min(n - 1, (int) Math.ceil(hi) - 1);
      out[o] = new double[last - first[o] + 1];
      for (int p = first[o]; p <= last; p++) {
        out[o][p - first[o]] = Math.min(hi, p + 1) - Math.max(lo, p);
      }
    }
    return out;
  }

  private static int[] firstCovered(int n, int m) {
    int[] out = new int[m];
    for (int o = 0; o < m; o++) {
      out[o] = (int) ((long) o * n / m);
    }
    return out;
  }

  private static void requireSize(float[] map, int height, int width) {
    if (height <= 0 || width <= 0 || map.length != height * width) {
      throw new IllegalArgumentException("map of " + map.length + " values is not " + height + "x" + width);
    }
  }

  private static String group(Pattern p, String header, String file, String key)
      throws DatasetFormatException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new DatasetFormatException(file + ": .npy header has no '" + key + "' (found " + header.trim() + ")");
    }
    return m.group(1);
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
