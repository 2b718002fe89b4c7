package org.egotune.trainer.data;

import org.egotune.mixer.reader.DatasetFormatException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.egotune.mixer.mask.Mask;

/**
 * Pixel conversions between stored frames and masks and the network's square input: decoding,
 * box-filter resizing (deterministic, no Java2D rendering hints involved), and the way back from
 * low-resolution logits to a full-size mask.
 */
public final class FrameTensors {
  private FrameTensors() {}

  /** Decodes an encoded frame (JPEG or PNG); {@code what} names it in the error. */
  public static BufferedImage decode(byte[] encoded, String what) {
    try {
      // An in-memory stream: ImageIO.read(InputStream) would buffer through a temporary file on
      // disk (ImageIO's default cache) for every frame decoded.
      BufferedImage img = ImageIO.read(
          new javax.imageio.stream.MemoryCacheImageInputStream(new ByteArrayInputStream(encoded)));
      if (img == null) {
        // Bad input, not a bug: the training run reports it as such (exit code 2, no retries).
        throw new UncheckedIOException(new DatasetFormatException(what + ": not a decodable JPEG or"
            + " PNG image (" + encoded.length + " bytes)"));
      }
      return img;
    } catch (IOException e) {
      throw new UncheckedIOException(new DatasetFormatException(
          what + ": cannot decode image: " + e.getMessage(), e));
    }
  }

  /**
   * Box-averages an RGB image to {@code size x size} and writes it channel-first, scaled to [-1, 1],
   * into {@code out} at {@code offset} ({@code 3 * size * size} values).
   */
  public static void imageChw(BufferedImage img, int size, float[] out, int offset) {
    int h = img.getHeight();
    int w = img.getWidth();
    int[] rgb = packedRgb(img);
    int plane = size * size;
    for (int oy = 0; oy < size; oy++) {
      int y0 = lo(oy, h, size);
      int y1 = hi(oy, h, size, y0);
      for (int ox = 0; ox < size; ox++) {
        int x0 = lo(ox, w, size);
        int x1 = hi(ox, w, size, x0);
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            int p = rgb[y * w + x];
            r += (p >> 16) & 0xff;
            g += (p >> 8) & 0xff;
            b += p & 0xff;
          }
        }
        float n = (y1 - y0) * (x1 - x0) * 127.5f;
        int o = offset + oy * size + ox;
        out[o] = r / n - 1f;
        out[o + plane] = g / n - 1f;
        out[o + 2 * plane] = b / n - 1f;
      }
    }
  }

  /**
   * The image as packed 0xRRGGBB ints, row-major: the same values as {@code getRGB}. A decoded
   * JPEG (3-byte BGR, unshared raster) is read straight from its bytes, since {@code getRGB} goes
   * through the colour model pixel by pixel and was most of the data path's time (JFR, 256x256
   * frames); for those images the colour model does no conversion, so the values are identical.
   */
  static int[] packedRgb(BufferedImage img) {
    int h = img.getHeight();
    int w = img.getWidth();
    java.awt.image.WritableRaster r = img.getRaster();
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && r.getDataBuffer() instanceof java.awt.image.DataBufferByte db
        && db.getNumBanks() == 1 && db.getOffset() == 0
        && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
        && r.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm
        && sm.getPixelStride() == 3 && sm.getScanlineStride() == 3 * w
        && java.util.Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0})) {
      byte[] d = db.getData();
      int[] out = new int[h * w];
      for (int i = 0, j = 0; i < out.length; i++, j += 3) {
        out[i] = 0xff000000 | (d[j + 2] & 0xff) << 16 | (d[j + 1] & 0xff) << 8 | (d[j] & 0xff);
      }
      return out;
    }
    return img.getRGB(0, 0, w, h, null, 0, w);
  }

  /** Fraction of foreground in each box of a {@code size x size} grid (a soft training target). */
  public static void maskSoft(Mask m, int size, float[] out, int offset) {
    int h = m.height();
    int w = m.width();
    for (int oy = 0; oy < size; oy++) {
      int y0 = lo(oy, h, size);
      int y1 = hi(oy, h, size, y0);
      for (int ox = 0; ox < size; ox++) {
        int x0 = lo(ox, w, size);
        int x1 = hi(ox, w, size, x0);
        int fg = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            if (m.get(y, x)) {
              fg++;
            }
          }
        }
        out[offset + oy * size + ox] = fg / (float) ((y1 - y0) * (x1 - x0));
      }
    }
  }

  /**
   * Turns {@code size x size} logits (row-major at {@code offset}) into a full {@code h x w} mask:
   * each full-resolution pixel takes the bilinearly interpolated logit at its centre, thresholded
   * at {@code logit(threshold)}.
   */
  public static Mask upsample(float[] logits, int offset, int size, int h, int w, double threshold) {
    double cut = Math.log(threshold / (1 - threshold));
    boolean[] out = new boolean[h * w];
    for (int y = 0; y < h; y++) {
      double sy = Math.max(0, Math.min(size - 1, (y + 0.5) * size / h - 0.5));
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min(size - 1, y0 + 1);
      double fy = sy - y0;
      for (int x = 0; x < w; x++) {
        double sx = Math.max(0, Math.min(size - 1, (x + 0.5) * size / w - 0.5));
        int x0 = (int) Math.floor(sx);
        int x1 = Math.min(size - 1, x0 + 1);
        double fx = sx - x0;
        double v = (1 - fy) * ((1 - fx) * logits[offset + y0 * size + x0] + fx * logits[offset + y0 * size + x1])
            + fy * ((1 - fx) * logits[offset + y1 * size + x0] + fx * logits[offset + y1 * size + x1]);
        out[y * w + x] = v > cut;
      }
    }
    return new Mask(h, w, out);
  }

  private static int lo(int o, int n, int size) {
    return (int) ((long) o * n / size);
  }

  private static int hi(int o, int n, int size, int lo) {
    return Math.max(lo + 1, (int) ((long) (o + 1) * n / size));
  }
}
