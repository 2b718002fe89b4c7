package org.egotune.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The byte fast path of {@link FrameTensors#packedRgb} against {@code getRGB}, pixel for pixel. */
class FrameTensorsTest {

  @Test
  void decodedJpegReadsTheSameAsGetRgb() throws Exception {
    SplittableRandom rng = new SplittableRandom(3);
    BufferedImage src = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        src.setRGB(x, y, rng.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream jpg = new ByteArrayOutputStream();
    ImageIO.write(src, "jpg", jpg);
    BufferedImage img = FrameTensors.decode(jpg.toByteArray(), "test.jpg");
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, img.getType(), "the fast path is exercised");
    int[] expected = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    assertArrayEquals(expected, FrameTensors.packedRgb(img));

    float[] fast = new float[3 * 8 * 8];
    float[] slow = new float[3 * 8 * 8];
    FrameTensors.imageChw(img, 8, fast, 0);
    BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    copy.setRGB(0, 0, img.getWidth(), img.getHeight(), expected, 0, img.getWidth());
    FrameTensors.imageChw(copy, 8, slow, 0); // TYPE_INT_RGB: the getRGB path
    assertArrayEquals(slow, fast);
  }

  @Test
  void aSubimageTakesTheGeneralPath() throws Exception {
    BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_3BYTE_BGR);
    img.setRGB(3, 4, 0x123456);
    BufferedImage sub = img.getSubimage(2, 2, 5, 5); // shares the raster with an offset
    assertArrayEquals(sub.getRGB(0, 0, 5, 5, null, 0, 5), FrameTensors.packedRgb(sub));
  }
}
