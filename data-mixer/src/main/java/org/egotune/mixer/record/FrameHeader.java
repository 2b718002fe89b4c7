package org.egotune.mixer.record;

import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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
}
