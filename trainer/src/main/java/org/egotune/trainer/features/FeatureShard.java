package org.egotune.trainer.features;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.model.io.Safetensors;

/**
 * One open feature shard, read tensor by tensor: the header is read once, then each tensor's bytes
 * with one positioned read (a {@link FileChannel} for local files, {@link FSDataInputStream}'s
 * positioned read elsewhere, e.g. HDFS) and widened to float. Nothing but the header and the
 * tensor being read is held in memory. Not thread-safe.
 */
final class FeatureShard implements Closeable {
  /** Metadata key prefix of a tensor's CRC-32 (8 hex digits) in BF16 / F16 shards. */
  static final String CRC_KEY = "egotune.crc32/";

  private final String file;
  private final FeatureDtype dtype;
  private final FileChannel channel;
  private final FSDataInputStream stream;
  private final Safetensors.Layout layout;
  private final long size;
  private ByteBuffer buffer = ByteBuffer.allocate(0);

  /**
   * Opens {@code path} (which the index says has {@code bytes} bytes of {@code dtype} tensors) and
   * reads its header.
   */
  FeatureShard(Configuration conf, Path path, long bytes, FeatureDtype dtype) throws IOException {
    this.file = path.toString();
    this.dtype = dtype;
    FileSystem fs = path.getFileSystem(conf);
    // Hadoop's local file system would verify its .crc side files on every read, a second
    // checksum of the same bytes; the shard carries its own.
    if (fs instanceof LocalFileSystem local) {
      channel = FileChannel.open(local.pathToFile(path).toPath(), StandardOpenOption.READ);
      stream = null;
    } else {
      channel = null;
      stream = fs.open(path);
    }
    try {
      size = channel != null ? channel.size() : fs.getFileStatus(path).getLen();
      if (size != bytes) {
        throw new DatasetFormatException(file + ": " + size + " bytes, the index says " + bytes
            + " (truncated or replaced)");
      }
      long headerLen = Safetensors.headerLength(file, read(0, 8).getLong(), size);
      ByteBuffer h = read(8, (int) headerLen);
      byte[] header = new byte[(int) headerLen];
      h.get(header);
      try {
        layout = Safetensors.layout(file, header, size);
      } catch (IOException e) {
        throw new DatasetFormatException(file + ": not a readable feature shard: " + e.getMessage(), e);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** True when the shard carries per-tensor CRCs; otherwise the caller verifies it whole. */
  boolean checksPerTensor() {
    return layout.metadata().keySet().stream().anyMatch(k -> k.startsWith(CRC_KEY));
  }

  /**
   * Tensor {@code name} widened to float, checked for its dtype, its element count ({@code
   * values}) and, where the shard has one, its CRC-32; null when the shard has no such tensor.
   */
  float[] tensor(String name, long values) throws IOException {
    Safetensors.Entry e = layout.tensors().get(name);
    if (e == null) {
      return null;
    }
    if (!dtype.safetensors().equals(e.dtype())) {
      throw new DatasetFormatException(file + ": tensor " + name + " is " + e.dtype() + ", the index says "
          + dtype.id() + " (" + dtype.safetensors() + ")");
    }
    long n = (e.end() - e.begin()) / dtype.bytes();
    if (n != values) {
      throw new DatasetFormatException(file + ": tensor " + name + " has " + n + " values "
          + java.util.Arrays.toString(e.shape()) + ", the index's input shape needs " + values);
    }
    ByteBuffer data = read(layout.dataStart() + e.begin(), (int) (e.end() - e.begin()));
    String want = layout.metadata().get(CRC_KEY + name);
    if (want != null) {
      CRC32 crc = new CRC32();
      crc.update(data.duplicate());
      String got = hex(crc.getValue());
      if (!got.equals(want)) {
        throw new DatasetFormatException(file + ": tensor " + name + ": CRC-32 mismatch (header " + want
            + ", data " + got + "); the shard is corrupt");
      }
    }
    float[] out = new float[(int) n];
    dtype.decode(data, out);
    return out;
  }

  /** SHA-256 (hex) of the whole file, streamed through a 1 MB buffer. */
  String sha256() throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (long pos = 0; pos < size; pos += 1 << 20) {
      md.update(read(pos, (int) Math.min(1 << 20, size - pos)));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** {@code n} bytes at {@code pos} into the reused buffer, little-endian, positioned at 0. */
  private ByteBuffer read(long pos, int n) throws IOException {
    if (buffer.capacity() < n) {
      buffer = ByteBuffer.allocate(n);
    }
    buffer.clear().limit(n);
    if (channel != null) {
      long p = pos;
      while (buffer.hasRemaining()) {
        int k = channel.read(buffer, p);
        if (k < 0) {
          throw new DatasetFormatException(file + ": ends at byte " + p + ", expected " + (pos + n) + " (truncated)");
        }
        p += k;
      }
    } else {
      try {
        stream.readFully(pos, buffer.array(), 0, n);
      } catch (java.io.EOFException e) {
        throw new DatasetFormatException(file + ": ends before byte " + (pos + n) + " (truncated)", e);
      }
      buffer.position(n);
    }
    return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
  }

  static String crc32(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return hex(crc.getValue());
  }

  private static String hex(long crc) {
    return String.format("%08x", crc);
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
    if (stream != null) {
      stream.close();
    }
  }
}
