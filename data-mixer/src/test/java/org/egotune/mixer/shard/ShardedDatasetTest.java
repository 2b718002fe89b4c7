package org.egotune.mixer.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.record.Sample;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedDatasetTest {

  @TempDir java.nio.file.Path tmp;

  private final Configuration conf = new Configuration();
  private java.nio.file.Path localDir;
  private Path dir;
  private List<Sample> all;

  @BeforeEach
  void setUp() {
    localDir = tmp.resolve("ds");
    dir = new Path(localDir.toUri());
  }

  /** Shards of 5, 0 and 3 samples (an empty shard, as an empty Spark partition gives). */
  private DatasetManifest writeDataset() throws IOException {
    all = ShardTestData.samples("egomask-train", 8, 42);
    List<ShardInfo> shards = new ArrayList<>();
    shards.add(ShardWriter.writeShard(conf, dir, 0, all.subList(0, 5).iterator()));
    shards.add(ShardWriter.writeShard(conf, dir, 1, List.<Sample>of().iterator()));
    shards.add(ShardWriter.writeShard(conf, dir, 2, all.subList(5, 8).iterator()));
    DatasetManifest m = DatasetManifest.of("egomask-train", shards);
    DatasetManifest.write(conf, dir, m, false);
    return m;
  }

  private java.nio.file.Path shardFile(int k) {
    return localDir.resolve(ShardFiles.shardName(k));
  }

  @Test
  void roundTripsEveryField() throws IOException {
    DatasetManifest written = writeDataset();
    assertEquals(List.of(5, 0, 3), written.shards().stream().map(ShardInfo::count).toList());
    // Cache of one shard and a non-sequential order exercise loading, eviction and reloading.
    try (ShardedDataset ds = ShardedDataset.open(conf, dir, 1, true)) {
      assertEquals(8, ds.size());
      assertEquals("egomask-train", ds.source());
      assertEquals(written, ds.manifest());
      for (long i : new long[] {7, 0, 5, 4, 1, 6, 2, 3}) {
        ShardTestData.assertSampleEquals(all.get((int) i), ds.get(i));
      }
      boolean sawNullMask = false;
      for (long i = 0; i < ds.size(); i++) {
        Sample s = ds.get(i);
        ShardTestData.assertSampleEquals(all.get((int) i), s);
        sawNullMask |= s.record().masks().contains(null);
      }
      assertTrue(sawNullMask, "test data should contain absent masks");
      IndexOutOfBoundsException e =
          assertThrows(IndexOutOfBoundsException.class, () -> ds.get(8));
      assertTrue(e.getMessage().contains("sample index 8 is outside [0, 8)"), e.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
    }
    assertNoTemporaryFiles();
  }

  @Test
  void manifestRefusesOverwriteUnlessAsked() throws IOException {
    DatasetManifest m = writeDataset();
    IOException e =
        assertThrows(IOException.class, () -> DatasetManifest.write(conf, dir, m, false));
    assertEquals(
        dir + " already holds a complete dataset (manifest.json); pass --overwrite to replace it",
        e.getMessage());
    DatasetManifest other =
        new DatasetManifest(1, "renamed", m.totalSamples(), m.shards(), "2024-01-02T03:04:05Z");
    DatasetManifest.write(conf, dir, other, true);
    assertEquals(other, DatasetManifest.read(conf, dir));
    assertNoTemporaryFiles();
  }

  @Test
  void missingOrMalformedManifestIsNamed() throws IOException {
    IOException missing =
        assertThrows(IOException.class, () -> ShardedDataset.open(conf, dir));
    assertEquals(
        new Path(dir, "manifest.json")
            + " not found: the dataset is incomplete or was never prepared",
        missing.getMessage());

    writeDataset();
    java.nio.file.Path mf = localDir.resolve("manifest.json");
    String json = Files.readString(mf);
    Files.writeString(mf, json.replace("\"totalSamples\" : 8", "\"totalSamples\" : 9"));
    Files.deleteIfExists(localDir.resolve(".manifest.json.crc"));
    IOException bad = assertThrows(IOException.class, () -> DatasetManifest.read(conf, dir));
    assertTrue(bad.getMessage().contains("manifest.json is malformed"), bad.getMessage());
    assertTrue(bad.getMessage().contains("totalSamples is 9"), bad.getMessage());

    Files.writeString(mf, "{ not json");
    IOException garbage = assertThrows(IOException.class, () -> DatasetManifest.read(conf, dir));
    assertTrue(garbage.getMessage().contains("manifest.json is malformed"), garbage.getMessage());

    Files.writeString(mf, json.replaceAll("\"source\" : \"[^\"]*\",", ""));
    IOException field = assertThrows(IOException.class, () -> DatasetManifest.read(conf, dir));
    assertTrue(field.getMessage().contains("source"), field.getMessage());
  }

  @Test
  void truncatedShardIsReportedByName() throws IOException {
    writeDataset();
    java.nio.file.Path f = shardFile(2);
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(bytes, bytes.length / 2));
    Files.deleteIfExists(localDir.resolve(".part-00002.parquet.crc"));
    IOException e = assertThrows(IOException.class, () -> ShardedDataset.open(conf, dir));
    assertTrue(e.getMessage().contains("part-00002.parquet"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    // The Parquet decoder's own failure on cut bytes is wrapped with the shard's name too.
    IOException parse =
        assertThrows(
            IOException.class,
            () -> ShardSchema.parse(Arrays.copyOf(bytes, bytes.length - 10), "shard X.parquet"));
    assertTrue(parse.getMessage().startsWith("shard X.parquet could not be read"), parse.getMessage());
  }

  @Test
  void corruptByteFailsTheChecksum() throws IOException {
    writeDataset();
    java.nio.file.Path f = shardFile(0);
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(f, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    // Without Hadoop's local .crc file (as on S3) our SHA-256 is what catches it.
    Files.deleteIfExists(localDir.resolve(".part-00000.parquet.crc"));
    try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ds.get(0));
      assertTrue(e.getMessage().contains("part-00000.parquet fails its checksum"), e.getMessage());
      // The other shard is intact.
      ShardTestData.assertSampleEquals(all.get(6), ds.get(6));
    }
  }

  @Test
  void corruptByteUnderHadoopCrcIsNamedToo() throws IOException {
    writeDataset();
    java.nio.file.Path f = shardFile(2);
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length / 3] ^= 0x01;
    Files.write(f, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ds.get(5));
      assertTrue(e.getMessage().contains("part-00002.parquet"), e.getMessage());
    }
  }

  @Test
  void retriedShardIsIdenticalAndLeavesNoTemporaryFiles() throws IOException {
    List<Sample> s = ShardTestData.samples("mevis", 6, 7);
    ShardInfo first = ShardWriter.writeShard(conf, dir, 3, s.iterator());
    byte[] before = Files.readAllBytes(shardFile(3));
    ShardInfo again = ShardWriter.writeShard(conf, dir, 3, s.iterator());
    assertEquals(first, again);
    assertEquals("part-00003.parquet", again.file());
    assertEquals(6, again.count());
    assertEquals(before.length, again.bytes());
    assertTrue(Arrays.equals(before, Files.readAllBytes(shardFile(3))));
    assertEquals(ShardFiles.sha256Hex(before), again.sha256());
    assertNoTemporaryFiles();
  }

  @Test
  void rowCountMismatchIsReported() throws IOException {
    writeDataset();
    DatasetManifest m = DatasetManifest.read(conf, dir);
    List<ShardInfo> lying = new ArrayList<>(m.shards());
    ShardInfo s0 = lying.get(0);
    lying.set(0, new ShardInfo(s0.file(), 4, s0.bytes(), s0.sha256()));
    DatasetManifest.write(conf, dir, DatasetManifest.of(m.source(), lying), true);
    try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ds.get(0));
      assertTrue(
          e.getMessage().contains("part-00000.parquet holds 5 samples but the manifest records 4"),
          e.getMessage());
    }
  }

  @Test
  void validationNamesTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new ShardInfo("part-00000.parquet", -1, 1, "x"));
    assertTrue(e.getMessage().contains("count must be >= 0, found -1"), e.getMessage());
    String sha = "a".repeat(64);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> new ShardInfo("../evil.parquet", 1, 1, sha));
    assertTrue(e.getMessage().contains("../evil.parquet"), e.getMessage());
    ShardInfo a = new ShardInfo("part-00000.parquet", 2, 10, sha);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DatasetManifest(1, "s", 4, List.of(a, a), "2024-01-01T00:00:00Z"));
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DatasetManifest(1, "s", 3, List.of(a), "2024-01-01T00:00:00Z"));
    assertTrue(e.getMessage().contains("totalSamples is 3 but the shards' counts sum to 2"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DatasetManifest(2, "s", 2, List.of(a), "2024-01-01T00:00:00Z"));
    assertTrue(e.getMessage().contains("formatVersion 2"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ShardWriter.writeShard(conf, dir, -1, List.<Sample>of().iterator()));
    assertTrue(e.getMessage().contains("shardIndex"), e.getMessage());
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<java.nio.file.Path> files = Files.list(localDir)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertFalse(names.stream().anyMatch(n -> n.contains("_tmp")), names.toString());
    }
  }
}
