package org.egotune.mixer.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaletteMasksTest {

  @TempDir Path dir;

  @Test
  void writeThenReadGivesTheSameIndices() throws IOException {
    int h = 5;
    int w = 7;
    int[] idx = new int[h * w];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i % 4 == 0 ? 2 : i % 5 == 0 ? 1 : 0;
    }
    idx[3] = 255; // DAVIS void
    Path png = dir.resolve("00000.png");
    PaletteMasks.write(png, idx, h, w);

    BufferedImage raw = ImageIO.read(png.toFile());
    assertInstanceOf(IndexColorModel.class, raw.getColorModel());

    PaletteMasks.IndexedImage img = PaletteMasks.read(png);
    assertEquals(h, img.height());
    assertEquals(w, img.width());
    assertArrayEquals(idx, img.indices());

    Mask two = img.maskOf(2);
    for (int i = 0; i < idx.length; i++) {
      assertEquals(idx[i] == 2, two.rowMajor()[i]);
    }
    assertEquals(0, img.maskOf(7).area(), "an id with no pixels gives an empty mask");
  }

  @Test
  void voidAndBackgroundAreNeverObjects() {
    int[] idx = {255, 255, 1, 0};
    assertThrows(IllegalArgumentException.class, () -> PaletteMasks.maskOf(idx, 2, 2, 255));
    assertThrows(IllegalArgumentException.class, () -> PaletteMasks.maskOf(idx, 2, 2, 0));
    assertEquals(1, PaletteMasks.maskOf(idx, 2, 2, 1).area());
  }

  @Test
  void davisPaletteStartsWithTheKnownColours() {
    IndexColorModel p = PaletteMasks.davisPalette();
    assertEquals(0x000000, p.getRGB(0) & 0xffffff);
    assertEquals(0x800000, p.getRGB(1) & 0xffffff);
    assertEquals(0x008000, p.getRGB(2) & 0xffffff);
    assertEquals(0x808000, p.getRGB(3) & 0xffffff);
    assertEquals(0x000080, p.getRGB(4) & 0xffffff);
  }

  @Test
  void rejectsAnRgbPngNamingTheFile() throws IOException {
    Path png = dir.resolve("rgb.png");
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    IOException e = assertThrows(IOException.class, () -> PaletteMasks.read(png));
    assertTrue(e.getMessage().contains(png.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("palette"), e.getMessage());

    IOException missing = assertThrows(IOException.class, () -> PaletteMasks.read(dir.resolve("no.png")));
    assertTrue(missing.getMessage().contains("no.png"), missing.getMessage());
  }
}
