package org.egotune.mixer.mask;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Reads and writes 8-bit palette (indexed-colour) PNG annotations as Ref-YouTube-VOS and DAVIS store
 * them, where a pixel's palette index is the id of the object it belongs to.
 */
public final class PaletteMasks {

  /** DAVIS marks unlabelled "void" pixels with this index; it is never an object id. */
  public static final int VOID_INDEX = 255;

  private static final IndexColorModel DAVIS_PALETTE = davisPalette();

  private PaletteMasks() {}

  /**
   * The per-pixel palette indices of one annotation image, row-major.
   *
   * @param height image height
   * @param width image width
   * @param indices palette index per pixel, {@code y * width + x}, each in 0..255
   */
  public record IndexedImage(int height, int width, int[] indices) {
    public IndexedImage {
      if (height <= 0 || width <= 0) {
        throw new IllegalArgumentException(
            "image size must be positive, found " + height + "x" + width);
      }
      if (indices.length != height * width) {
        throw new IllegalArgumentException(
            "indices has " + indices.length + " entries, expected height*width=" + height * width);
      }
    }

    /** The mask of pixels whose index equals {@code objId}. */
    public Mask maskOf(int objId) {
      return PaletteMasks.maskOf(indices, height, width, objId);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IndexedImage i
          && i.height == height
          && i.width == width
          && Arrays.equals(i.indices, indices);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * height + width) + Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
      return "IndexedImage[" + height + "x" + width + "]";
    }
  }

  /**
   * Reads a palette PNG into its per-pixel indices (not the colours: two palettes that map the same
   * index to different colours give the same masks, which is what the datasets mean).
   *
   * @throws IOException if the file cannot be read, is not an image, or is not a palette image
   */
  public static IndexedImage read(Path png) throws IOException {
    if (!Files.isRegularFile(png)) {
      throw new IOException(png + ": annotation file not found (expected a palette PNG)");
    }
    BufferedImage img;
    try {
      img = ImageIO.read(png.toFile());
    } catch (IOException | RuntimeException e) {
      throw new IOException(png + ": cannot decode image (expected a palette PNG): " + e.getMessage(), e);
    }
    if (img == null) {
      throw new IOException(png + ": not a readable image (expected a palette PNG)");
    }
    if (!(img.getColorModel() instanceof IndexColorModel)
        || img.getRaster().getNumBands() != 1) {
      throw new IOException(
          png + ": expected a palette (indexed-colour) PNG whose pixel values are object ids, found "
              + describe(img));
    }
    int h = img.getHeight();
    int w = img.getWidth();
    int[] indices = img.getRaster().getSamples(0, 0, w, h, 0, new int[h * w]);
    return new IndexedImage(h, w, indices);
  }

  /** The mask of pixels whose palette index equals {@code objId} (row-major indices). */
  public static Mask maskOf(int[] indices, int height, int width, int objId) {
    if (indices.length != height * width) {
      throw new IllegalArgumentException(
          "indices has " + indices.length + " entries, expected height*width=" + height * width);
    }
    if (objId <= 0 || objId >= VOID_INDEX) {
      // 0 is background and 255 is DAVIS "void": neither is an object, so asking for them is a bug
      throw new IllegalArgumentException(
          "object id must be in 1.." + (VOID_INDEX - 1) + ", found " + objId);
    }
    boolean[] out = new boolean[indices.length];
    for (int i = 0; i < indices.length; i++) {
      out[i] = indices[i] == objId;
    }
    return new Mask(height, width, out);
  }

  /**
   * Writes {@code indices} (row-major, each 0..255) as an 8-bit palette PNG with the DAVIS palette.
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(Path png, int[] indices, int height, int width) throws IOException {
    if (height <= 0 || width <= 0 || indices.length != height * width) {
      throw new IllegalArgumentException(
          "cannot write " + png + ": " + indices.length + " indices for a " + height + "x" + width
              + " image");
    }
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] > 255) {
        throw new IllegalArgumentException(
            "cannot write " + png + ": index " + indices[i] + " at pixel " + i + " is outside 0..255");
      }
    }
    BufferedImage img =
        new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, DAVIS_PALETTE);
    WritableRaster raster = img.getRaster();
    raster.setSamples(0, 0, width, height, 0, indices);
    if (!ImageIO.write(img, "png", png.toFile())) {
      throw new IOException("cannot write " + png + ": no PNG writer available");
    }
  }

  /**
   * The 256-entry DAVIS / PASCAL VOC palette (bit-interleaved colours: 0 black, 1 dark red, 2 dark
   * green, ...), so generated annotations look like the real ones in any viewer.
   */
  static IndexColorModel davisPalette() {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      int c = i;
      int rr = 0;
      int gg = 0;
      int bb = 0;
      for (int j = 0; j < 8; j++) {
        rr |= ((c) & 1) << (7 - j);
        gg |= ((c >> 1) & 1) << (7 - j);
        bb |= ((c >> 2) & 1) << (7 - j);
        c >>= 3;
      }
      r[i] = (byte) rr;
      g[i] = (byte) gg;
      b[i] = (byte) bb;
    }
    return new IndexColorModel(8, 256, r, g, b);
  }

  private static String describe(BufferedImage img) {
    return img.getColorModel().getClass().getSimpleName() + " with "
        + img.getRaster().getNumBands() + " band(s), image type " + img.getType();
  }
}
