package org.egotune.mixer.record;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** The size of a frame image (JPEG or PNG) read from its header, without decoding its pixels. */
public final class FrameHeader {
  private FrameHeader() {}

  /**
   * [height, width] of the image in {@code in}, or {@code null} when no installed ImageIO reader
   * recognises it.
   *
   * @throws IOException if the header is recognised but cannot be read (a truncated file)
   */
  public static int[] size(ImageInputStream in) throws IOException {
    if (in == null) {
      return null;
    }
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      return null;
    }
    ImageReader r = readers.next();
    try {
      r.setInput(in, true, true);
      return new int[] {r.getHeight(0), r.getWidth(0)};
    } finally {
      r.dispose();
    }
  }

  /**
   * Checks that {@code bytes} (the contents of {@code file}) are a readable image of
   * {@code height x width}.
   *
   * @throws IOException whose message starts with {@code file} and says what was expected
   */
  public static void check(byte[] bytes, String file, int height, int width) throws IOException {
    int[] hw;
    // in memory: ImageIO.createImageInputStream would buffer the bytes through a temporary file
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      hw = size(in);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": cannot read image header (expected a JPEG or PNG frame): "
          + e.getMessage(), e);
    }
    if (hw == null) {
      throw new IOException(file + ": not a readable image (expected a JPEG or PNG frame)");
    }
    if (hw[0] != height || hw[1] != width) {
      throw new IOException(file + ": frame is " + hw[0] + "x" + hw[1] + " but the clip's frames are "
          + height + "x" + width + " (height x width)");
    }
  }
}
