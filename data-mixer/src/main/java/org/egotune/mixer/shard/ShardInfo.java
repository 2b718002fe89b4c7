package org.egotune.mixer.shard;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One shard of a dataset as the manifest records it.
 *
 * @param file the shard's file name inside the dataset directory (a plain name, no directory)
 * @param count number of samples (rows) in the shard; may be 0 (an empty Spark partition)
 * @param bytes the file's size in bytes
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 */
public record ShardInfo(String file, int count, long bytes, String sha256)
    implements java.io.Serializable {

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public ShardInfo {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
    // A shard name is resolved against the dataset directory, so it must not escape it.
    if (file.isBlank() || file.contains("/") || file.contains("\\") || file.startsWith(".")
        || file.startsWith("_")) {
      throw new IllegalArgumentException(
          "shard file must be a plain visible file name, found '" + file + "'");
    }
    if (count < 0) {
      throw new IllegalArgumentException("shard " + file + ": count must be >= 0, found " + count);
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException("shard " + file + ": bytes must be > 0, found " + bytes);
    }
    if (!HEX64.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "shard " + file + ": sha256 must be 64 lower-case hex digits, found '" + sha256 + "'");
    }
  }
}
