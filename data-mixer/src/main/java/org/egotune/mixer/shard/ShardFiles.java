package org.egotune.mixer.shard;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** File-level helpers shared by the shard writer and reader: names, hashing, whole-file reads. */
final class ShardFiles {

  /** The largest file we read into one array (Java arrays hold at most about 2^31 bytes). */
  static final long MAX_IN_MEMORY = Integer.MAX_VALUE - 8L;

  private ShardFiles() {}

  static String shardName(int shardIndex) {
    return String.format("part-%05d.parquet", shardIndex);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE platform is required to provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static String sha256Hex(byte[] bytes) {
    return hex(sha256().digest(bytes));
  }

  /** SHA-256 of a file, streamed so that a large shard is not held in memory just to hash it. */
  static String sha256Hex(FileSystem fs, Path file) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = fs.open(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return hex(md.digest());
  }

  /**
   * Reads a whole file into memory, failing with a message naming the file if it is too large or
   * shorter than its listed length.
   */
  static byte[] readAll(FileSystem fs, Path file) throws IOException {
    long len = fs.getFileStatus(file).getLen();
    if (len > MAX_IN_MEMORY) {
      throw new IOException(file + " has " + len + " bytes, more than can be read into memory");
    }
    byte[] out = new byte[(int) len];
    try (FSDataInputStream in = fs.open(file)) {
      in.readFully(0, out);
    } catch (java.io.EOFException e) {
      throw new IOException(file + " ended before its listed length of " + len + " bytes", e);
    }
    return out;
  }

  /**
   * Writes {@code bytes} as {@code target} so that a reader sees the old file, no file, or the whole
   * new one: a hidden temporary file in the same directory, then a rename (after deleting an old
   * target, since {@code rename} does not replace on HDFS; in between the file is absent, which
   * readers take as incomplete, the safe direction).
   */
  static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
    Path dir = target.getParent();
    fs.mkdirs(dir);
    Path tmp = new Path(dir, "_tmp." + target.getName() + "." + java.util.UUID.randomUUID());
    boolean done = false;
    try {
      try (java.io.OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("could not delete the old " + target);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      done = true;
    } finally {
      if (!done) {
        try {
          fs.delete(tmp, false);
        } catch (IOException e) {
          org.slf4j.LoggerFactory.getLogger(ShardFiles.class)
              .warn("could not remove temporary file {}: {}", tmp, e.toString());
        }
      }
    }
  }
}
