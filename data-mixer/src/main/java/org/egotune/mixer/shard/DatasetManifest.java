package org.egotune.mixer.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code manifest.json} of a sharded dataset: its shards in order, with counts, sizes and
 * checksums. Written last, so its presence marks the dataset complete.
 *
 * @param formatVersion the shard format version; only {@link #FORMAT_VERSION} is understood
 * @param source the dataset's source name, as the mixer and the reports name it
 * @param totalSamples the sum of the shards' counts
 * @param shards the shards in sample order; sample i lives in the shard whose cumulative count range
 *     holds i
 * @param createdAt ISO-8601 instant, e.g. {@code 2024-05-01T12:00:00Z}
 * @param skipped what {@code prepare} left out and where the report is; {@code null} in manifests
 *     written before the report existed (read as "not recorded")
 * @param split the split of the native layout {@code prepare} read (e.g. {@code train},
 *     {@code valid_u}); {@code null} when not recorded (manifests written before it was)
 */
public record DatasetManifest(
    int formatVersion, String source, long totalSamples, List<ShardInfo> shards, String createdAt,
    SkippedSamples skipped, String split) {

  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The manifest's file name inside the dataset directory. */
  public static final String FILE_NAME = "manifest.json";

  private static final Logger LOG = LoggerFactory.getLogger(DatasetManifest.class);

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          // A missing field is a malformed manifest, not a zero.
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  public DatasetManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion " + formatVersion + " is not supported (this build reads "
              + FORMAT_VERSION + ")");
    }
    Objects.requireNonNull(source, "source");
    if (source.isBlank()) {
      throw new IllegalArgumentException("source must not be blank");
    }
    Objects.requireNonNull(shards, "shards");
    shards = List.copyOf(shards);
    Objects.requireNonNull(createdAt, "createdAt");
    if (split != null && split.isBlank()) {
      throw new IllegalArgumentException("split must be null (not recorded) or non-blank, found '" + split + "'");
    }
    try {
      Instant.parse(createdAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "createdAt must be an ISO-8601 instant, found '" + createdAt + "'", e);
    }
    long sum = 0;
    Set<String> names = new HashSet<>();
    for (ShardInfo s : shards) {
      if (!names.add(s.file())) {
        throw new IllegalArgumentException("shard file " + s.file() + " is listed twice");
      }
      sum += s.count();
    }
    if (totalSamples != sum) {
      throw new IllegalArgumentException(
          "totalSamples is " + totalSamples + " but the shards' counts sum to " + sum);
    }
  }

  /** A manifest that records nothing about skipped samples. */
  public DatasetManifest(
      int formatVersion, String source, long totalSamples, List<ShardInfo> shards, String createdAt) {
    this(formatVersion, source, totalSamples, shards, createdAt, null, null);
  }

  /** A manifest for {@code shards} of {@code source}, with the total computed and the time now. */
  public static DatasetManifest of(String source, List<ShardInfo> shards) {
    return of(source, shards, null);
  }

  /** As {@link #of(String, List)}, recording what was skipped. */
  public static DatasetManifest of(String source, List<ShardInfo> shards, SkippedSamples skipped) {
    return of(source, null, shards, skipped);
  }

  /** As {@link #of(String, List)}, recording the split read and what was skipped. */
  public static DatasetManifest of(String source, String split, List<ShardInfo> shards,
      SkippedSamples skipped) {
    long total = shards.stream().mapToLong(ShardInfo::count).sum();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return new DatasetManifest(FORMAT_VERSION, source, total, shards, now, skipped, split);
  }

  /**
   * Writes {@code manifest} as {@code datasetDir/manifest.json} via a temporary file and a rename, so
   * a reader never sees a half-written manifest. Call it after every shard has been written.
   *
   * @throws IOException if the manifest exists and {@code overwrite} is false, or on I/O failure
   */
  public static void write(
      Configuration conf, Path datasetDir, DatasetManifest manifest, boolean overwrite)
      throws IOException {
    Objects.requireNonNull(manifest, "manifest");
    FileSystem fs = datasetDir.getFileSystem(conf);
    Path target = new Path(datasetDir, FILE_NAME);
    if (fs.exists(target) && !overwrite) {
      throw new IOException(
          datasetDir + " already holds a complete dataset (" + FILE_NAME
              + "); pass --overwrite to replace it");
    }
    ShardFiles.writeAtomically(fs, target, JSON.writeValueAsBytes(manifest));
    LOG.info(
        "wrote {}: source {}, {} samples in {} shards",
        target,
        manifest.source(),
        manifest.totalSamples(),
        manifest.shards().size());
  }

  /**
   * Reads and validates {@code datasetDir/manifest.json}.
   *
   * @throws IOException naming the file if it is missing, not valid JSON, or fails validation
   */
  public static DatasetManifest read(Configuration conf, Path datasetDir) throws IOException {
    FileSystem fs = datasetDir.getFileSystem(conf);
    Path file = new Path(datasetDir, FILE_NAME);
    byte[] bytes;
    try (InputStream in = fs.open(file)) {
      bytes = in.readAllBytes();
    } catch (FileNotFoundException e) {
      throw new IOException(
          file + " not found: the dataset is incomplete or was never prepared", e);
    }
    try {
      com.fasterxml.jackson.databind.JsonNode tree = JSON.readTree(bytes);
      if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        // written before prepare recorded skipped samples, or the split: valid, nothing recorded
        for (String field : new String[] {"skipped", "split"}) {
          if (!o.has(field)) {
            o.putNull(field);
          }
        }
      }
      return JSON.treeToValue(tree, DatasetManifest.class);
    } catch (JsonProcessingException e) {
      // Validation errors from the compact constructors arrive wrapped; show the innermost message.
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String why =
          root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
      throw new IOException(file + " is malformed: " + why, e);
    }
  }
}
