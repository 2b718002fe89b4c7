package org.egotune.mixer.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameFilesTest {

  @TempDir java.nio.file.Path tmp;

  private final Configuration conf = new Configuration();

  @Test
  void readsLocalPathsAndUris() throws IOException {
    byte[] a = image("jpg", 2, 2);
    byte[] b = image("png", 2, 2);
    java.nio.file.Path fa = Files.write(tmp.resolve("00000.jpg"), a);
    java.nio.file.Path fb = Files.write(tmp.resolve("with space 00005.jpg"), b);
    List<Rle> masks = new ArrayList<>(Arrays.asList(null, Rle.empty(2, 2)));
    ClipRecord r =
        new ClipRecord(
            "ref-youtube-vos",
            "v",
            "0",
            "a dog",
            List.of("1"),
            List.of("00000", "00005"),
            List.of(fa.toString(), fb.toUri().toString()),
            masks,
            Set.of("00005"),
            2,
            2);
    Sample s = FrameFiles.toSample(conf, r);
    assertArrayEquals(a, s.frames().get(0));
    assertArrayEquals(b, s.frames().get(1));
    assertArrayEquals(b, FrameFiles.read(conf, fb.toString()));
  }

  static byte[] image(String format, int h, int w) throws IOException {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xff8040);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  @Test
  void wholeFramesOfTheClipsSizePass() throws IOException {
    FrameFiles.requireFrame("a.jpg", image("jpg", 6, 4), 6, 4);
    FrameFiles.requireFrame("a.png", image("png", 6, 4), 6, 4);
  }

  @Test
  void damagedFramesAreRefusedWithTheFileNamed() throws IOException {
    byte[] jpg = image("jpg", 16, 16);
    byte[] png = image("png", 16, 16);
    assertRefused("f.jpg", Arrays.copyOf(jpg, jpg.length - 40), 16, "f.jpg: truncated JPEG (no end-of-image marker)");
    assertRefused("f.png", Arrays.copyOf(png, png.length - 5), 16, "f.png: truncated PNG (no IEND chunk)");
    assertRefused("f.jpg", "GIF89a....".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 16,
        "f.jpg: not a readable image (expected a JPEG or PNG frame");
    assertRefused("f.png", png, 20, "f.png: frame is 16x16 (height x width), but the clip's frames and masks are 16x20");
  }

  private static void assertRefused(String name, byte[] bytes, int clipWidth, String message) {
    IOException e = assertThrows(org.egotune.mixer.reader.DatasetFormatException.class,
        () -> FrameFiles.requireFrame(name, bytes, 16, clipWidth));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    String missing = tmp.resolve("nope.jpg").toString();
    IOException e = assertThrows(IOException.class, () -> FrameFiles.read(conf, missing));
    assertTrue(e.getMessage().contains("nope.jpg"), e.getMessage());
  }
}
