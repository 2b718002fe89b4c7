package org.egotune.trainer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.model.ModelConfig;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.data.BatchMaker;
import org.egotune.trainer.data.FrameTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureStoreTest {
  static final ModelConfig SMALL = ModelConfig.preset(ModelConfig.SAM2_SMALL, 1L);
  static final Configuration CONF = new Configuration();

  /** A 40x40 frame with a coloured square at {@code x}; its mask. */
  static byte[] png(int x, Color c) throws Exception {
    BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(Color.DARK_GRAY);
    g.fillRect(0, 0, 40, 40);
    g.setColor(c);
    g.fillRect(x, 10, 12, 12);
    g.dispose();
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bos);
    return bos.toByteArray();
  }

  static Rle square(int x) {
    boolean[] m = new boolean[40 * 40];
    for (int y = 10; y < 22; y++) {
      for (int xx = x; xx < x + 12; xx++) {
        m[y * 40 + xx] = true;
      }
    }
    return Rle.encode(new Mask(40, 40, m));
  }

  /** Two expressions over one three-frame video (frames shared) and one over another video. */
  static List<Sample> samples() throws Exception {
    List<Sample> out = new ArrayList<>();
    List<byte[]> v1 = List.of(png(2, Color.RED), png(10, Color.RED), png(20, Color.RED));
    List<String> names = List.of("f0", "f1", "f2");
    List<String> files = List.of("mem://f0", "mem://f1", "mem://f2");
    out.add(new Sample(new ClipRecord("src", "v1", "0", "the red square", List.of("1"), names, files,
        Arrays.asList(square(2), square(10), null), Set.of("f0", "f1", "f2"), 40, 40), v1));
    out.add(new Sample(new ClipRecord("src", "v1", "1", "the blue thing", List.of("2"), names, files,
        Arrays.asList(null, null, null), Set.of("f0"), 40, 40), v1));
    out.add(new Sample(new ClipRecord("src", "v2", "0", "a green square", List.of("1"), List.of("a"),
        List.of("mem://a"), Arrays.asList(square(5)), Set.of("a"), 40, 40), List.of(png(5, Color.GREEN))));
    return out;
  }

  static FeatureIndex write(Path dir, long seed, boolean overwrite) throws Exception {
    List<Sample> s = samples();
    Map<ClipRecord, List<byte[]>> frames = new IdentityHashMap<>();
    List<ClipRecord> records = new ArrayList<>();
    for (Sample x : s) {
      records.add(x.record());
      frames.put(x.record(), x.frames());
    }
    return new SyntheticFeatures(SMALL, seed).write(CONF, new org.apache.hadoop.fs.Path(dir.toString()), "src",
        records, (r, f) -> frames.get(r).get(f), overwrite);
  }

  @Test
  void writtenFeaturesReadBackByVideoFrameAndExpression(@TempDir Path tmp) throws Exception {
    FeatureIndex index = write(tmp.resolve("features/src"), 5L, false);
    assertEquals(4, index.frames().size(), "frames shared by two expressions are stored once");
    assertEquals(3, index.expressions().size());
    assertTrue(Files.exists(tmp.resolve("features/src/index.json")));
    assertTrue(Files.exists(tmp.resolve("features/src/part-00000.safetensors")));
    FeatureStore store = new FeatureStore(CONF, new org.apache.hadoop.fs.Path(tmp.resolve("features").toString()), SMALL, 2);
    List<Sample> s = samples();
    SyntheticFeatures gen = new SyntheticFeatures(SMALL, 5L);
    ClipRecord r = s.get(0).record();
    Map<String, float[]> direct = gen.frame(FrameTensors.decode(s.get(0).frames().get(1), "f1"));
    for (String in : List.of(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1)) {
      assertArrayEquals(direct.get(in), store.get(in, r, 1), in);
    }
    assertArrayEquals(gen.expression("the red square").get(Sam2Decoder.SEG_HIDDEN),
        store.get(Sam2Decoder.SEG_HIDDEN, r, 2));
    assertFalse(Arrays.equals(store.get(Sam2Decoder.SEG_HIDDEN, r, 0),
        store.get(Sam2Decoder.SEG_HIDDEN, s.get(1).record(), 0)), "another expression, another [SEG] state");

    // The batch maker feeds the features by input name and resizes masks to the decoder's 64x64.
    Batch b = new BatchMaker(SMALL, 2, 3L, store).make(s.subList(0, 2), new long[] {0, 1});
    assertEquals(List.of(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1,
        Sam2Decoder.SEG_HIDDEN), List.copyOf(b.inputs().keySet()));
    assertArrayEquals(new long[] {4, 4, 64, 64}, b.inputs().get(Sam2Decoder.HIGH_RES_S0).shape());
    assertArrayEquals(new long[] {4, 1, 64, 64}, b.mask().shape());
  }

  @Test
  void deterministicPerSeedAndRefusesToOverwrite(@TempDir Path tmp) throws Exception {
    FeatureIndex a = write(tmp.resolve("a"), 5L, false);
    FeatureIndex b = write(tmp.resolve("b"), 5L, false);
    FeatureIndex c = write(tmp.resolve("c"), 6L, false);
    assertEquals(a.shards().get(0).sha256(), b.shards().get(0).sha256());
    assertFalse(a.shards().get(0).sha256().equals(c.shards().get(0).sha256()));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> write(tmp.resolve("a"), 5L, false));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
    write(tmp.resolve("a"), 6L, true);
  }

  @Test
  void corruptMissingAndMismatchedShardsAreRefusedNamingTheFile(@TempDir Path tmp) throws Exception {
    write(tmp.resolve("features/src"), 5L, false);
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tmp.resolve("features").toString());
    ClipRecord r = samples().get(0).record();

    FeatureStore other = new FeatureStore(CONF, root, ModelConfig.preset(ModelConfig.SAM2_FULL, 1L), 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> other.get(Sam2Decoder.SEG_HIDDEN, r, 0));
    assertTrue(e.getMessage().contains("index.json") && e.getMessage().contains("[256, 64, 64]"), e.getMessage());

    ClipRecord elsewhere = new ClipRecord("nowhere", "v1", "0", "x", List.of("1"), List.of("f0"), List.of("m"),
        Arrays.asList((Rle) null), Set.of(), 40, 40);
    RuntimeException missing = assertThrows(RuntimeException.class,
        () -> new FeatureStore(CONF, root, SMALL, 2).get(Sam2Decoder.SEG_HIDDEN, elsewhere, 0));
    assertTrue(missing.getCause() instanceof org.egotune.mixer.reader.DatasetFormatException, "bad input: " + missing);
    assertTrue(missing.getMessage().contains("nowhere/index.json")
        && missing.getMessage().contains("generate-features"), missing.getMessage());

    Path shard = tmp.resolve("features/src/part-00000.safetensors");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 1] ^= 1;
    Files.write(shard, bytes);
    // Hadoop's local file system may catch the flipped bit first (its .crc files); either way the
    // error names the shard and the checksum.
    RuntimeException c = assertThrows(RuntimeException.class,
        () -> new FeatureStore(CONF, root, SMALL, 2).get(Sam2Decoder.SEG_HIDDEN, r, 0));
    assertTrue(c.getMessage().contains("part-00000.safetensors")
        && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("checksum"), c.getMessage());
    // Bad input, which a training run reports as such rather than as a failed task.
    assertTrue(c.getCause() instanceof java.io.IOException, "an I/O-kind failure: " + c);
  }
}
