package org.egotune.mixer.shard;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random access by sample index to a dataset of Parquet shards described by its
 * {@link DatasetManifest}, loading whole shards into a small LRU cache.
 *
 * <p>Sample i is located with a binary search over the shards' cumulative counts (O(log shards));
 * the first access to a shard reads the whole file (shards are written to be read whole), checks
 * its size and, by default, its SHA-256 against the manifest on exactly the bytes that are parsed,
 * and checks its row count. Instances are safe for use from several threads (methods synchronize),
 * though one per task is the intended use.
 */
public final class ShardedDataset implements AutoCloseable {

  /** Default number of shards kept in memory. */
  public static final int DEFAULT_CACHED_SHARDS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(ShardedDataset.class);

  private final Path dir;
  private final FileSystem fs;
  private final DatasetManifest manifest;
  private final boolean verifyChecksums;
  /** ends[k] = number of samples in shards 0..k (exclusive end of shard k's index range). */
  private final long[] ends;
  private final LinkedHashMap<Integer, List<Sample>> cache;
  private boolean closed;

  private ShardedDataset(
      Path dir, FileSystem fs, DatasetManifest manifest, int cachedShards, boolean verify) {
    this.dir = dir;
    this.fs = fs;
    this.manifest = manifest;
    this.verifyChecksums = verify;
    List<ShardInfo> shards = manifest.shards();
    this.ends = new long[shards.size()];
    long c = 0;
    for (int k = 0; k < ends.length; k++) {
      c += shards.get(k).count();
      ends[k] = c;
    }
    // Access-ordered map evicting the least recently used shard beyond the limit.
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, List<Sample>> eldest) {
            return size() > cachedShards;
          }
        };
  }

  /** Opens with the defaults: {@value #DEFAULT_CACHED_SHARDS} cached shards, checksums verified. */
  public static ShardedDataset open(Configuration conf, Path datasetDir) throws IOException {
    return open(conf, datasetDir, DEFAULT_CACHED_SHARDS, true);
  }

  /**
   * Reads the manifest and checks that every shard exists with its recorded size (cheap: one
   * status call per shard; the content is verified when a shard is loaded).
   *
   * @param cachedShards how many whole shards to keep in memory (at least 1)
   * @param verifyChecksums whether to check each loaded shard's SHA-256 against the manifest
   * @throws IOException naming the file if the manifest or a shard is missing or has the wrong size
   */
  public static ShardedDataset open(
      Configuration conf, Path datasetDir, int cachedShards, boolean verifyChecksums)
      throws IOException {
    if (cachedShards < 1) {
      throw new IllegalArgumentException("cachedShards must be >= 1, found " + cachedShards);
    }
    DatasetManifest m = DatasetManifest.read(conf, datasetDir);
    FileSystem fs = datasetDir.getFileSystem(conf);
    for (ShardInfo s : m.shards()) {
      Path p = new Path(datasetDir, s.file());
      long len;
      try {
        len = fs.getFileStatus(p).getLen();
      } catch (FileNotFoundException e) {
        throw new DatasetFormatException("shard " + p + " listed in the manifest is missing", e);
      }
      if (len != s.bytes()) {
        throw new DatasetFormatException(
            "shard " + p + " has " + len + " bytes but the manifest records " + s.bytes()
                + ": the file is truncated or was replaced; prepare the dataset again");
      }
    }
    LOG.info(
        "opened {}: source {}, {} samples in {} shards",
        datasetDir,
        m.source(),
        m.totalSamples(),
        m.shards().size());
    return new ShardedDataset(datasetDir, fs, m, cachedShards, verifyChecksums);
  }

  /** Number of samples. */
  public long size() {
    return manifest.totalSamples();
  }

  /** The dataset's source name from the manifest. */
  public String source() {
    return manifest.source();
  }

  /** The manifest this dataset was opened with. */
  public DatasetManifest manifest() {
    return manifest;
  }

  /**
   * Sample {@code i} (0-based, in manifest order).
   *
   * @throws IndexOutOfBoundsException if {@code i} is outside {@code [0, size())}
   * @throws UncheckedIOException naming the shard if it cannot be read, is corrupt, or its row count
   *     differs from the manifest
   */
  public synchronized Sample get(long i) {
    if (closed) {
      throw new IllegalStateException("dataset " + dir + " is closed");
    }
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException(
          "sample index " + i + " is outside [0, " + size() + ") of dataset " + dir);
    }
    int k = shardOf(i);
    List<Sample> rows = cache.get(k);
    if (rows == null) {
      try {
        rows = load(k);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      cache.put(k, rows);
    }
    long start = ends[k] - manifest.shards().get(k).count();
    return rows.get((int) (i - start));
  }

  /** Index of the shard holding sample i: the first k with ends[k] > i (skips empty shards). */
  int shardOf(long i) {
    int lo = 0;
    int hi = ends.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] > i) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private List<Sample> load(int k) throws IOException {
    ShardInfo info = manifest.shards().get(k);
    Path p = new Path(dir, info.file());
    byte[] bytes;
    try {
      bytes = ShardFiles.readAll(fs, p);
    } catch (IOException e) {
      throw new IOException("could not read shard " + p + ": " + e.getMessage(), e);
    }
    if (bytes.length != info.bytes()) {
      throw new DatasetFormatException(
          "shard " + p + " has " + bytes.length + " bytes but the manifest records " + info.bytes()
              + ": the file is truncated or was replaced; prepare the dataset again");
    }
    if (verifyChecksums) {
      String sha = ShardFiles.sha256Hex(bytes);
      if (!sha.equals(info.sha256())) {
        throw new DatasetFormatException(
            "shard " + p + " fails its checksum: SHA-256 " + sha + ", manifest records "
                + info.sha256() + "; the file is corrupt, prepare the dataset again");
      }
    }
    List<Sample> rows = ShardSchema.parse(bytes, "shard " + p);
    if (rows.size() != info.count()) {
      throw new DatasetFormatException(
          "shard " + p + " holds " + rows.size() + " samples but the manifest records "
              + info.count());
    }
    LOG.debug("loaded shard {} ({} samples, {} bytes)", p, rows.size(), bytes.length);
    return rows;
  }

  /** Drops the cached shards; later calls to {@link #get} fail. */
  @Override
  public synchronized void close() {
    closed = true;
    cache.clear();
  }
}
