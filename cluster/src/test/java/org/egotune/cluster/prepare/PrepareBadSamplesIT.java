package org.egotune.cluster.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.reader.BadSample;
import org.egotune.mixer.reader.BadSamplePolicy;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.mixer.shard.SkipReport;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prepare} on a dataset with a bad annotation entry (found on the driver) and a corrupt
 * later frame (found by the Spark task that reads it): skip leaves exactly those samples out and
 * lists them in bad-samples.jsonl and the manifest; fail stops naming the file.
 */
@Tag("slow")
class PrepareBadSamplesIT {
  static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkRuntime.session("prepare-bad-it", "local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void skipListsEveryBadSampleAndFailNamesTheFile() throws Exception {
    Path raw = tmp.resolve("mevis");
    SyntheticDatasets.generate(new SynthConfig(Layout.MEVIS, 3, 4, 4, 32, 32), raw);
    List<ClipRecord> clean = DatasetLayouts.get("mevis").read(raw).records();
    Path meta = raw.resolve("train/meta_expressions.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode m = (ObjectNode) json.readTree(meta.toFile());
    ((ObjectNode) m.at("/videos/mevis_0001/expressions/0")).remove("exp");
    json.writeValue(meta.toFile(), m);
    Path junk = raw.resolve("train/JPEGImages/mevis_0002/00002.jpg");
    assertTrue(Files.exists(junk), "test setup: " + junk);
    Files.writeString(junk, "not a jpeg");
    Set<String> expected = new HashSet<>();
    Set<String> affected = new HashSet<>();
    affected.add("mevis_0001/0");
    for (ClipRecord r : clean) {
      if (r.video().equals("mevis_0002")) {
        affected.add(r.video() + "/" + r.expId());
      }
      expected.add(r.video() + "/" + r.expId());
    }
    expected.removeAll(affected);

    String out = tmp.resolve("shards").toString();
    PrepareJob.Result r = PrepareJob.run(spark, new PrepareJob.Request("mevis", raw, out, null, null, 2, false, BadSamplePolicy.SKIP));
    assertEquals(expected.size(), r.samples());
    assertEquals(affected.size(), r.skipped().bad());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("shards/mevis").toUri());
    DatasetManifest manifest = DatasetManifest.read(conf, dir);
    assertEquals(r.skipped(), manifest.skipped());
    assertEquals("skip", manifest.skipped().policy());
    List<BadSample> report = SkipReport.read(conf, dir);
    Set<String> listed = new HashSet<>();
    for (BadSample b : report) {
      listed.add(b.video() + "/" + b.expId());
      if (b.video().equals("mevis_0002")) {
        assertEquals(junk.toString(), b.file());
        assertTrue(b.reason().contains("not a readable image"), b.reason());
      } else {
        assertEquals(meta.toString(), b.file());
        assertTrue(b.reason().startsWith("videos.mevis_0001.expressions.0: missing \"exp\""), b.reason());
      }
    }
    assertEquals(affected, listed);
    try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
      Set<String> kept = new HashSet<>();
      for (long i = 0; i < ds.size(); i++) {
        ClipRecord c = ds.get(i).record();
        kept.add(c.video() + "/" + c.expId());
      }
      assertEquals(expected, kept);
    }

    // fail: the driver finds the bad entry first, before anything is written
    String out2 = tmp.resolve("shards-fail").toString();
    Exception e = assertThrows(Exception.class,
        () -> PrepareJob.run(spark, new PrepareJob.Request("mevis", raw, out2, null, null, 2, false, BadSamplePolicy.FAIL)));
    assertTrue(chain(e).contains(meta + ": videos.mevis_0001.expressions.0: missing \"exp\""), chain(e));
    assertFalse(Files.exists(tmp.resolve("shards-fail/mevis/manifest.json")));
    // with the entry repaired, the corrupt frame fails the task, naming the frame file
    ((ObjectNode) m.at("/videos/mevis_0001/expressions/0")).put("exp", "the red square");
    json.writeValue(meta.toFile(), m);
    e = assertThrows(Exception.class,
        () -> PrepareJob.run(spark, new PrepareJob.Request("mevis", raw, out2, null, null, 2, false, BadSamplePolicy.FAIL)));
    assertTrue(chain(e).contains(junk + ": not a readable image"), chain(e));
    // the task returned the bad input as its result: the driver throws it, typed, not Spark
    assertTrue(e.getCause() instanceof DatasetFormatException, chain(e));
    assertTrue(e.getCause().getMessage().startsWith("sample videos.mevis_0002.expressions."), chain(e));
    assertFalse(chain(e).contains("SparkException"), chain(e));
    assertFalse(Files.exists(tmp.resolve("shards-fail/mevis/manifest.json")));
  }

  /**
   * The depth layout through prepare: labels ride in the shards as read from their files; a NaN
   * label under skip leaves out exactly its video's samples, listed with the file and the pixel;
   * under fail the task's bad input names the file.
   */
  @Test
  void depthLabelsAreShardedAndABadOneIsSkippedOrNamed() throws Exception {
    Path raw = tmp.resolve("depth");
    SyntheticDatasets.generate(new SynthConfig(Layout.DEPTH, 3, 3, 4, 32, 32), raw);
    List<ClipRecord> clean = DatasetLayouts.get("depth").read(raw).records();
    Path bad = raw.resolve("train/depth/depth_0001/00002.npy");
    float[] map = DepthLabels.readNpy(bad.toString(), Files.readAllBytes(bad), 32, 32);
    map[3 * 32 + 4] = Float.NaN;
    Files.write(bad, DepthLabels.toNpy(map, 32, 32));
    long affected = clean.stream().filter(r -> r.video().equals("depth_0001")).count();
    assertTrue(affected > 0, "test setup: depth_0001 has expressions");

    String out = tmp.resolve("shards").toString();
    PrepareJob.Result r = PrepareJob.run(spark,
        new PrepareJob.Request("depth", raw, out, null, null, 2, false, BadSamplePolicy.SKIP));
    assertEquals(clean.size() - affected, r.samples());
    assertEquals(affected, r.skipped().bad());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("shards/depth").toUri());
    for (BadSample b : SkipReport.read(conf, dir)) {
      assertEquals("depth_0001", b.video());
      assertEquals(bad.toString(), b.file());
      assertTrue(b.reason().startsWith("inverse depth at row 3, column 4 is NaN"), b.reason());
    }
    try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
      for (long i = 0; i < ds.size(); i++) {
        org.egotune.mixer.record.Sample s = ds.get(i);
        assertEquals(4, s.depths().size());
        Path f = Path.of(s.record().depthFiles().get(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(
            DepthLabels.readNpy(f.toString(), Files.readAllBytes(f), 32, 32), s.depths().get(1));
      }
    }
    Exception e = assertThrows(Exception.class, () -> PrepareJob.run(spark,
        new PrepareJob.Request("depth", raw, tmp.resolve("fail").toString(), null, null, 2, false,
            BadSamplePolicy.FAIL)));
    assertTrue(e.getCause() instanceof DatasetFormatException, chain(e));
    assertTrue(chain(e).contains(bad + ": inverse depth at row 3, column 4 is NaN"), chain(e));
    assertFalse(Files.exists(tmp.resolve("fail/depth/manifest.json")));
  }

  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }
}
