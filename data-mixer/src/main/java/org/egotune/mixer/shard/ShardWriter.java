package org.egotune.mixer.shard;

import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.egotune.mixer.record.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Parquet shard ({@code part-%05d.parquet}) of a dataset crash-safely: a hidden temporary
 * file, closed and hashed, then renamed to its final name.
 *
 * <p>Pages are written UNCOMPRESSED: nearly all bytes are frame images that are already JPEG or PNG
 * compressed, so Snappy would spend CPU on every read for almost no saving, and the small text
 * columns are not worth a codec either.
 *
 * <p>The content of a shard is a deterministic function of its samples (parquet-mr writes no
 * timestamps), so a Spark task that is retried rewrites an identical file; the stale final file of
 * an earlier failed attempt is deleted before the rename because {@code rename} does not replace an
 * existing file on HDFS.
 */
public final class ShardWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ShardWriter.class);

  /** Largest shard index whose name still sorts correctly with five digits. */
  static final int MAX_SHARD_INDEX = 99_999;

  private ShardWriter() {}

  /**
   * Writes {@code samples} as shard {@code shardIndex} of the dataset in {@code datasetDir}
   * (created if missing) and returns what the manifest records of it.
   *
   * @throws IOException if writing, hashing or renaming fails; the temporary file is removed
   */
  public static ShardInfo writeShard(
      Configuration conf, Path datasetDir, int shardIndex, Iterator<Sample> samples)
      throws IOException {
    Objects.requireNonNull(conf, "conf");
    Objects.requireNonNull(datasetDir, "datasetDir");
    Objects.requireNonNull(samples, "samples");
    if (shardIndex < 0 || shardIndex > MAX_SHARD_INDEX) {
      throw new IllegalArgumentException(
          "shardIndex must be in [0, " + MAX_SHARD_INDEX + "], found " + shardIndex);
    }
    FileSystem fs = datasetDir.getFileSystem(conf);
    fs.mkdirs(datasetDir);
    String name = ShardFiles.shardName(shardIndex);
    Path finalPath = new Path(datasetDir, name);
    // Hidden ('_' prefix) so that Hadoop/Spark input listings skip it; random so that two attempts
    // of the same task running at once (speculation) never share a temporary file.
    Path tmp = new Path(datasetDir, "_tmp." + name + "." + UUID.randomUUID());
    int count = 0;
    long[] dropped = {0};
    boolean done = false;
    // The first sample decides the schema (depth labels or not); an empty shard has the plain one.
    Sample first = samples.hasNext() ? Objects.requireNonNull(samples.next(), "sample") : null;
    MessageType schema = first == null ? ShardSchema.SCHEMA : ShardSchema.schemaOf(first);
    try {
      ExampleParquetWriter.Builder builder =
          ExampleParquetWriter.builder(HadoopOutputFile.fromPath(tmp, conf))
              .withConf(conf)
              .withType(schema)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
              // A dictionary over unique image bytes only costs memory before being abandoned.
              .withDictionaryEncoding("frames.image", false);
      if (schema == ShardSchema.DEPTH_SCHEMA) {
        builder = builder.withDictionaryEncoding("frames.depth", false);
      }
      try (ParquetWriter<Group> writer = builder.build()) {
        Sample s = first;
        while (s != null) {
          if (ShardSchema.schemaOf(s) != schema) {
            throw new IllegalArgumentException("shard " + shardIndex + " mixes samples with and without"
                + " depth labels (video " + s.record().video() + "); a dataset is one or the other");
          }
          writer.write(ShardSchema.toGroup(s, dropped));
          count++;
          s = samples.hasNext() ? Objects.requireNonNull(samples.next(), "sample") : null;
        }
      }
      long bytes = fs.getFileStatus(tmp).getLen();
      String sha = ShardFiles.sha256Hex(fs, tmp);
      if (fs.exists(finalPath)) {
        LOG.debug("replacing {} left by an earlier attempt of shard {}", finalPath, shardIndex);
        if (!fs.delete(finalPath, false)) {
          throw new IOException("could not delete stale shard " + finalPath);
        }
      }
      if (!fs.rename(tmp, finalPath)) {
        throw new IOException("could not rename " + tmp + " to " + finalPath);
      }
      done = true;
      if (dropped[0] > 0) {
        LOG.warn(
            "{}: dropped {} annotated-frame names that are not in their record's frame list",
            finalPath,
            dropped[0]);
      }
      LOG.debug("wrote {}: {} samples, {} bytes, sha256 {}", finalPath, count, bytes, sha);
      return new ShardInfo(name, count, bytes, sha);
    } finally {
      if (!done) {
        try {
          fs.delete(tmp, false);
        } catch (IOException e) {
          LOG.warn("could not remove temporary shard {}: {}", tmp, e.toString());
        }
      }
    }
  }
}
