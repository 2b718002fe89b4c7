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
    byte[] a = {1, 2, 3};
    byte[] b = {9, 8, 7, 6};
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

  @Test
  void missingFileIsNamed() {
    String missing = tmp.resolve("nope.jpg").toString();
    IOException e = assertThrows(IOException.class, () -> FrameFiles.read(conf, missing));
    assertTrue(e.getMessage().contains("nope.jpg"), e.getMessage());
  }
}
