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
    return write(dir, seed, FeatureDtype.F32, overwrite);
  }

  static FeatureIndex write(Path dir, long seed, FeatureDtype dtype, boolean overwrite) throws Exception {
    List<Sample> s = samples();
    Map<ClipRecord, List<byte[]>> frames = new IdentityHashMap<>();
    List<ClipRecord> records = new ArrayList<>();
    for (Sample x : s) {
      records.add(x.record());
      frames.put(x.record(), x.frames());
    }
    return new SyntheticFeatures(SMALL, seed).write(CONF, new org.apache.hadoop.fs.Path(dir.toString()), "src",
        records, (r, f) -> frames.get(r).get(f), dtype, overwrite);
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

  /** The value a stored {@code x} reads back as: the independent conversions of FeatureDtypeTest. */
  static float stored(FeatureDtype d, float x) {
    return switch (d) {
      case F32 -> x;
      case BF16 -> FeatureDtypeTest.bf16(FeatureDtype.toBf16(x));
      case F16 -> org.egotune.model.io.Safetensors.halfToFloat(FeatureDtype.toF16(x));
    };
  }

  @Test
  void everyDtypeReadsBackWidenedAndHalvesTheBytes(@TempDir Path tmp) throws Exception {
    List<Sample> s = samples();
    SyntheticFeatures gen = new SyntheticFeatures(SMALL, 5L);
    ClipRecord r = s.get(0).record();
    Map<String, float[]> direct = gen.frame(FrameTensors.decode(s.get(0).frames().get(1), "f1"));
    float[] seg = gen.expression("the red square").get(Sam2Decoder.SEG_HIDDEN);
    long f32Bytes = 0;
    for (FeatureDtype d : FeatureDtype.values()) {
      FeatureIndex index = write(tmp.resolve(d.id()).resolve("src"), 5L, d, false);
      assertEquals(d.id(), index.dtype());
      assertEquals(d, FeatureIndex.class.cast(new com.fasterxml.jackson.databind.ObjectMapper().readValue(
          tmp.resolve(d.id()).resolve("src/index.json").toFile(), FeatureIndex.class)).featureDtype());
      FeatureStore store = new FeatureStore(CONF, new org.apache.hadoop.fs.Path(tmp.resolve(d.id()).toString()), SMALL, 1);
      for (String in : List.of(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1)) {
        float[] got = store.get(in, r, 1);
        float[] want = direct.get(in);
        assertEquals(want.length, got.length);
        for (int k = 0; k < want.length; k++) {
          assertEquals(stored(d, want[k]), got[k], 0f, d + " " + in + "[" + k + "]");
          // The rounding error is at most half a unit in the last place kept: 2^-8 of the value for
          // bf16 (8 significant bits), 2^-11 for f16 (11 bits; absolute 2^-25 among its subnormals).
          double rel = d == FeatureDtype.BF16 ? 0x1p-8 : d == FeatureDtype.F16 ? 0x1p-11 : 0;
          assertTrue(Math.abs(got[k] - want[k]) <= rel * Math.abs(want[k]) + 0x1p-25, d + " " + in + "[" + k + "]");
        }
      }
      float[] gotSeg = store.get(Sam2Decoder.SEG_HIDDEN, r, 0);
      for (int k = 0; k < seg.length; k++) {
        assertEquals(stored(d, seg[k]), gotSeg[k], 0f);
      }
      long bytes = Files.size(tmp.resolve(d.id()).resolve("src/part-00000.safetensors"));
      if (d == FeatureDtype.F32) {
        f32Bytes = bytes;
        // Format 1 unchanged at f32: the shard is byte for byte what the writer wrote before dtypes
        // (with its two metadata keys in this order; Map.of's order used to vary between JVMs).
        assertEquals("3070ca563303db18154025df084e468c095cdfcf06c290c62ece701a517208b0 526576",
            index.shards().get(0).sha256() + " " + index.shards().get(0).bytes());
      } else {
        assertTrue(bytes < f32Bytes / 2 + 16_384, d + ": " + bytes + " bytes vs " + f32Bytes + " at f32");
      }
    }
  }

  @Test
  void anIndexWithoutDtypeIsF32(@TempDir Path tmp) throws Exception {
    write(tmp.resolve("features/src"), 5L, false);
    Path json = tmp.resolve("features/src/index.json");
    Files.delete(tmp.resolve("features/src/.index.json.crc")); // Hadoop's side checksum of the original
    String text = Files.readString(json);
    String old = text.replaceAll("\\s*\"dtype\"\\s*:\\s*\"f32\"\\s*,", "");
    assertFalse(old.contains("dtype"), old);
    Files.writeString(json, old);
    FeatureStore store = new FeatureStore(CONF, new org.apache.hadoop.fs.Path(tmp.resolve("features").toString()), SMALL, 2);
    assertEquals(FeatureDtype.F32, store.index("src").featureDtype());
    assertEquals((int) org.egotune.model.SegModel.inputShapes(SMALL).get(Sam2Decoder.SEG_HIDDEN)[1], store.get(Sam2Decoder.SEG_HIDDEN, samples().get(0).record(), 0).length);

    // An index whose dtype does not match its shards is refused naming the file, tensor and both dtypes.
    Files.writeString(json, text.replace("\"f32\"", "\"bf16\""));
    RuntimeException e = assertThrows(RuntimeException.class, () -> new FeatureStore(CONF,
        new org.apache.hadoop.fs.Path(tmp.resolve("features").toString()), SMALL, 2)
        .get(Sam2Decoder.SEG_HIDDEN, samples().get(0).record(), 0));
    assertTrue(e.getMessage().contains("part-00000.safetensors") && e.getMessage().contains("seg_hidden_state")
        && e.getMessage().contains("F32") && e.getMessage().contains("bf16"), e.getMessage());
  }

  @Test
  void aCorruptOrTruncatedHalfShardNamesTheFileAndTheTensor(@TempDir Path tmp) throws Exception {
    write(tmp.resolve("features/src"), 5L, FeatureDtype.BF16, false);
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tmp.resolve("features").toString());
    Path shard = tmp.resolve("features/src/part-00000.safetensors");
    byte[] bytes = Files.readAllBytes(shard);
    ClipRecord r = samples().get(0).record();
    String tensor = FeatureIndex.tensorName(false, "v1/f1", Sam2Decoder.HIGH_RES_S0);
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int headerLen = (int) bb.getLong(0);
    var layout = org.egotune.model.io.Safetensors.layout("x", Arrays.copyOfRange(bytes, 8, 8 + headerLen), bytes.length);
    long at = layout.dataStart() + layout.tensors().get(tensor).begin() + 10;

    byte[] flipped = bytes.clone();
    flipped[(int) at] ^= 4;
    Files.write(shard, flipped);
    FeatureStore store = new FeatureStore(CONF, root, SMALL, 2);
    // Other tensors of the shard still read: only the damaged one is refused.
    assertEquals((int) org.egotune.model.SegModel.inputShapes(SMALL).get(Sam2Decoder.SEG_HIDDEN)[1], store.get(Sam2Decoder.SEG_HIDDEN, r, 0).length);
    RuntimeException c = assertThrows(RuntimeException.class, () -> store.get(Sam2Decoder.HIGH_RES_S0, r, 1));
    assertTrue(c.getMessage().contains("part-00000.safetensors") && c.getMessage().contains(tensor)
        && c.getMessage().contains("CRC-32 mismatch"), c.getMessage());
    assertTrue(c.getCause() instanceof org.egotune.mixer.reader.DatasetFormatException, "bad input: " + c);

    Files.write(shard, Arrays.copyOf(bytes, bytes.length - 100));
    RuntimeException t = assertThrows(RuntimeException.class,
        () -> new FeatureStore(CONF, root, SMALL, 2).get(Sam2Decoder.HIGH_RES_S0, r, 1));
    assertTrue(t.getMessage().contains("part-00000.safetensors") && t.getMessage().contains(tensor)
        && t.getMessage().contains("truncated"), t.getMessage());
    assertTrue(t.getCause() instanceof org.egotune.mixer.reader.DatasetFormatException, "bad input: " + t);
  }

  @Test
  void theHadoopStreamPathReadsWhatTheLocalChannelReads(@TempDir Path tmp) throws Exception {
    // A file system that is not LocalFileSystem (as HDFS is not) takes FSDataInputStream's positioned reads.
    Configuration raw = new Configuration();
    raw.setClass("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    raw.setBoolean("fs.file.impl.disable.cache", true);
    ClipRecord r = samples().get(0).record();
    for (FeatureDtype d : List.of(FeatureDtype.F32, FeatureDtype.BF16)) {
      write(tmp.resolve(d.id()).resolve("src"), 5L, d, false);
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(tmp.resolve(d.id()).toString());
      assertFalse(root.getFileSystem(raw) instanceof org.apache.hadoop.fs.LocalFileSystem);
      FeatureStore channel = new FeatureStore(CONF, root, SMALL, 2);
      FeatureStore stream = new FeatureStore(raw, root, SMALL, 2);
      for (String in : List.of(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.SEG_HIDDEN)) {
        assertArrayEquals(channel.get(in, r, 2), stream.get(in, r, 2), d + " " + in);
      }
    }
    Path shard = tmp.resolve("bf16/src/part-00000.safetensors");
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, Arrays.copyOf(bytes, bytes.length - 8));
    RuntimeException t = assertThrows(RuntimeException.class, () -> new FeatureStore(raw,
        new org.apache.hadoop.fs.Path(tmp.resolve("bf16").toString()), SMALL, 2).get(Sam2Decoder.SEG_HIDDEN, r, 0));
    assertTrue(t.getMessage().contains("part-00000.safetensors") && t.getMessage().contains("seg_hidden_state")
        && t.getMessage().contains("truncated"), t.getMessage());
  }
}
