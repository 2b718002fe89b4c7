package org.egotune.trainer.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.sam2.Sam2Decoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Python feature writer ({@code python/egotune_features}) against the Java reader: shards that
 * {@code python/tests/write_test_shards.py} writes with deterministic values read back through
 * {@link FeatureStore} as the values this test computes the same way (after the independent
 * rounding of {@link FeatureStoreTest#stored}), and are byte for byte the shards the Java writer
 * makes of the same values. Skipped, saying why, when there is no Python 3 with numpy
 * ({@code /usr/bin/python3}, or {@code EGOTUNE_PYTHON}).
 */
class PythonFeatureWriterTest {
  static final ModelConfig SMALL = ModelConfig.preset(ModelConfig.SAM2_SMALL, 1L);
  static final Configuration CONF = new Configuration();
  static final long SHARD_BYTES = 100_000;
  static final Path PYTHON_DIR = Path.of(System.getProperty("user.dir")).resolve("../python").normalize();
  /** (video, expId, frames) as the script writes them. */
  static final List<Object[]> RECORDS = List.of(
      new Object[] {"v0", "0", List.of("f0", "f1", "f2")},
      new Object[] {"v0", "1", List.of("f0", "f1", "f2")},
      new Object[] {"v1", "0", List.of("a", "b")});

  static String python;
  /** Why the tests cannot run here, or null. */
  static String missing;

  @BeforeAll
  static void findPython() throws Exception {
    String exe = System.getenv().getOrDefault("EGOTUNE_PYTHON", "/usr/bin/python3");
    if (!Files.isExecutable(Path.of(exe))) {
      missing = "no " + exe + " (install python3 and python3-numpy, or set EGOTUNE_PYTHON)";
    } else {
      Result r = run(List.of(exe, "-c", "import numpy; print(numpy.__version__)"));
      missing = r.code == 0 ? null : exe + " has no numpy (apt-get install python3-numpy, or set EGOTUNE_PYTHON): "
          + r.out.strip();
    }
    if (missing != null) {
      // Said on the console too: surefire's summary only counts skips.
      System.err.println("PythonFeatureWriterTest SKIPPED: the Python feature writer is not tested: " + missing);
    }
    python = exe;
  }

  @BeforeEach
  void needsPython() {
    assumeTrue(missing == null, "the Python feature writer is not tested: " + missing);
  }

  record Result(int code, String out) {}

  static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out: " + cmd);
    return new Result(p.exitValue(), out);
  }

  /** The script's value formula (see write_test_shards.py), in float arithmetic as numpy does it. */
  static float[] values(String tensor, int n) {
    CRC32 crc = new CRC32();
    crc.update(tensor.getBytes(StandardCharsets.UTF_8));
    long s = crc.getValue() & 0xffff;
    float[] v = new float[n];
    for (int k = 0; k < n; k++) {
      float base = (float) (((k * 7919L + s * 104729L) % 20011) - 10005);
      v[k] = (base / 1000f) * (float) Math.scalb(1.0, k % 9 - 4);
    }
    return v;
  }

  static List<ClipRecord> records() {
    List<ClipRecord> out = new ArrayList<>();
    for (Object[] r : RECORDS) {
      @SuppressWarnings("unchecked")
      List<String> frames = (List<String>) r[2];
      List<Rle> masks = Arrays.asList(new Rle[frames.size()]);
      out.add(new ClipRecord("src", (String) r[0], (String) r[1], "expression " + r[1], List.of("1"), frames,
          frames.stream().map(f -> "mem://" + f).toList(), masks, Set.copyOf(frames), 40, 40));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(FeatureDtype.class)
  void pythonShardsReadBackInJavaAndEqualTheJavaWritersBytes(FeatureDtype dtype, @TempDir Path tmp) throws Exception {
    Path py = tmp.resolve("py/src");
    Result r = run(List.of(python, PYTHON_DIR.resolve("tests/write_test_shards.py").toString(), py.toString(),
        dtype.id(), Long.toString(SHARD_BYTES)));
    assertEquals(0, r.code, "write_test_shards.py failed:\n" + r.out);

    FeatureStore store = new FeatureStore(CONF, new org.apache.hadoop.fs.Path(tmp.resolve("py").toString()), SMALL, 2);
    FeatureIndex index = store.index("src");
    assertEquals(dtype, index.featureDtype());
    assertTrue(index.shards().size() > 1, "several shards: " + index.shards());
    Map<String, long[]> shapes = SegModel.inputShapes(SMALL);
    int checked = 0;
    for (ClipRecord rec : records()) {
      for (int f = 0; f < rec.frameNames().size(); f++) {
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
          boolean perExp = Sam2Decoder.SEG_HIDDEN.equals(e.getKey());
          String key = perExp ? FeatureIndex.expressionKey(rec.video(), rec.expId())
              : FeatureIndex.frameKey(rec.video(), rec.frameNames().get(f));
          String tensor = FeatureIndex.tensorName(perExp, key, e.getKey());
          float[] got = store.row(e.getKey(), e.getValue(), rec, f);
          float[] want = values(tensor, got.length);
          for (int k = 0; k < want.length; k++) {
            if (Float.floatToIntBits(FeatureStoreTest.stored(dtype, want[k])) != Float.floatToIntBits(got[k])) {
              throw new AssertionError(dtype + " " + tensor + "[" + k + "]: wrote " + want[k] + ", read " + got[k]
                  + ", expected " + FeatureStoreTest.stored(dtype, want[k]));
            }
          }
          checked++;
        }
      }
    }
    assertEquals(32, checked);

    // The Java writer, given the same values in the same order, writes the same shard bytes.
    FeatureShardWriter w = new FeatureShardWriter(CONF, new org.apache.hadoop.fs.Path(tmp.resolve("java/src").toString()),
        SMALL, "src", dtype, false, SHARD_BYTES);
    for (ClipRecord rec : records()) {
      for (String f : rec.frameNames()) {
        if (!w.hasFrame(rec.video(), f)) {
          Map<String, float[]> v = new LinkedHashMap<>();
          for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (!Sam2Decoder.SEG_HIDDEN.equals(e.getKey())) {
              v.put(e.getKey(), values(FeatureIndex.tensorName(false, FeatureIndex.frameKey(rec.video(), f), e.getKey()),
                  (int) FeatureIndex.values(Arrays.copyOfRange(e.getValue(), 1, e.getValue().length))));
            }
          }
          w.addFrame(rec.video(), f, v);
        }
      }
      if (!w.hasExpression(rec.video(), rec.expId())) {
        String t = FeatureIndex.tensorName(true, FeatureIndex.expressionKey(rec.video(), rec.expId()), Sam2Decoder.SEG_HIDDEN);
        w.addExpression(rec.video(), rec.expId(),
            Map.of(Sam2Decoder.SEG_HIDDEN, values(t, (int) shapes.get(Sam2Decoder.SEG_HIDDEN)[1])));
      }
    }
    FeatureIndex java = w.finish("java");
    assertEquals(java.shards().toString(), index.shards().toString(), "shard files, sizes, SHA-256s and tensor counts");
    assertEquals(java.frames(), index.frames());
    assertEquals(java.expressions(), index.expressions());
    ObjectMapper json = new ObjectMapper();
    assertEquals(json.valueToTree(java.inputs()), json.valueToTree(index.inputs()));
  }

  @Test
  void theSa2vaRecordLoopWritesWhatTheReaderLooksUpForExportedRecords(@TempDir Path tmp) throws Exception {
    Path bench = tmp.resolve("bench");
    org.egotune.mixer.synth.SyntheticDatasets.generate(new org.egotune.mixer.synth.SynthConfig(
        org.egotune.mixer.synth.Layout.EGOMASK_BENCH, 3L, 3, 4, 32, 32), bench);
    List<Path> files = FeatureGeneration.exportRecords(CONF, null, List.of(), bench, tmp.resolve("export"));
    assertEquals(3, files.size(), "one records file per split: " + files);
    Path short_ = tmp.resolve("export/egomask-bench/short/records.jsonl");
    assertTrue(files.contains(short_), files.toString());
    Result r = run(List.of(python, PYTHON_DIR.resolve("tests/extract_fake.py").toString(), short_.toString(),
        tmp.resolve("features/egomask-bench/short").toString(), "bf16"));
    assertEquals(0, r.code, "extract_fake.py failed:\n" + r.out);

    FeatureStore store = new FeatureStore(CONF, new org.apache.hadoop.fs.Path(tmp.resolve("features").toString()), SMALL, 2);
    List<ClipRecord> records = org.egotune.mixer.reader.EgoMaskBenchReader.read(bench, "short");
    assertTrue(!records.isEmpty());
    Map<String, long[]> shapes = SegModel.inputShapes(SMALL);
    for (ClipRecord rec : records) {
      for (int f = 0; f < rec.frameNames().size(); f++) {
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
          boolean perExp = Sam2Decoder.SEG_HIDDEN.equals(e.getKey());
          String tensor = FeatureIndex.tensorName(perExp, perExp ? FeatureIndex.expressionKey(rec.video(), rec.expId())
              : FeatureIndex.frameKey(rec.video(), rec.frameNames().get(f)), e.getKey());
          float[] got = store.row(e.getKey(), e.getValue(), rec, f);
          float[] want = values(tensor, got.length);
          for (int k = 0; k < want.length; k += 97) {
            assertEquals(FeatureStoreTest.stored(FeatureDtype.BF16, want[k]), got[k], 0f, tensor + "[" + k + "]");
          }
        }
      }
    }
  }
}
