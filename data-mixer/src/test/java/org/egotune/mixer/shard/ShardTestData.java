package org.egotune.mixer.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;

/** Generated samples for the shard tests: random masks, absent masks, random "image" bytes. */
final class ShardTestData {

  private ShardTestData() {}

  static List<Sample> samples(String source, int n, long seed) {
    Random rnd = new Random(seed);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int h = 3 + rnd.nextInt(6);
      int w = 3 + rnd.nextInt(6);
      int frames = 1 + rnd.nextInt(4);
      List<String> names = new ArrayList<>();
      List<String> files = new ArrayList<>();
      List<Rle> masks = new ArrayList<>();
      List<byte[]> images = new ArrayList<>();
      Set<String> annotated = new HashSet<>();
      for (int f = 0; f < frames; f++) {
        String name = String.format("%05d", 5 * f);
        names.add(name);
        files.add("/data/" + source + "/vid" + i + "/" + name + ".jpg");
        int kind = rnd.nextInt(3);
        if (kind == 0) {
          masks.add(null);
        } else {
          boolean[] px = new boolean[h * w];
          for (int p = 0; p < px.length; p++) {
            px[p] = kind == 2 && rnd.nextInt(4) == 0;
          }
          masks.add(Rle.encode(new Mask(h, w, px)));
        }
        if (rnd.nextBoolean()) {
          annotated.add(name);
        }
        byte[] img = new byte[10 + rnd.nextInt(200)];
        rnd.nextBytes(img);
        images.add(img);
      }
      List<String> objIds = new ArrayList<>();
      for (int k = 0; k <= rnd.nextInt(3); k++) {
        objIds.add(Integer.toString(rnd.nextInt(10)));
      }
      ClipRecord r =
          new ClipRecord(
              source,
              "vid" + i,
              Integer.toString(i % 4),
              "the red cup ünïcode " + i,
              objIds,
              names,
              files,
              masks,
              annotated,
              h,
              w);
      out.add(new Sample(r, images));
    }
    return out;
  }

  static void assertSampleEquals(Sample expected, Sample actual) {
    assertEquals(expected.record(), actual.record());
    assertEquals(expected.frames().size(), actual.frames().size());
    for (int f = 0; f < expected.frames().size(); f++) {
      assertArrayEquals(expected.frames().get(f), actual.frames().get(f), "frame " + f);
    }
  }
}
