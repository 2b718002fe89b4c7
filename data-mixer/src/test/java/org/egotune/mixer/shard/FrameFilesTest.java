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
    byte[] a = png(2, 2, 0x112233);
    byte[] b = png(2, 2, 0x445566);
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

  private static byte[] png(int h, int w, int rgb) throws IOException {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, rgb);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private ClipRecord twoFrames(java.nio.file.Path f0, java.nio.file.Path f1) {
    return new ClipRecord("mevis", "v", "0", "a dog", List.of("1"), List.of("00000", "00001"),
        List.of(f0.toString(), f1.toString()), new ArrayList<>(Arrays.asList(null, null)), Set.of(), 2, 2);
  }

  @Test
  void aLaterFrameThatIsNotAnImageOrOfAnotherSizeIsNamed() throws IOException {
    java.nio.file.Path good = Files.write(tmp.resolve("00000.jpg"), png(2, 2, 1));
    java.nio.file.Path junk = Files.writeString(tmp.resolve("00001.jpg"), "not a jpeg");
    IOException e = assertThrows(IOException.class, () -> FrameFiles.toSample(conf, twoFrames(good, junk)));
    assertTrue(e.getMessage().startsWith(junk + ": not a readable image"), e.getMessage());
    java.nio.file.Path big = Files.write(tmp.resolve("00002.jpg"), png(3, 2, 1));
    e = assertThrows(IOException.class, () -> FrameFiles.toSample(conf, twoFrames(good, big)));
    assertTrue(e.getMessage().startsWith(big + ": frame is 3x2 but the clip's frames are 2x2"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    String missing = tmp.resolve("nope.jpg").toString();
    IOException e = assertThrows(IOException.class, () -> FrameFiles.read(conf, missing));
    assertTrue(e.getMessage().contains("nope.jpg"), e.getMessage());
  }
}
