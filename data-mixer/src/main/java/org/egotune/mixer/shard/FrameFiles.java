package org.egotune.mixer.shard;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.FrameHeader;
import org.egotune.mixer.record.Sample;

/** Reads frame image files through the Hadoop file system, turning records into samples. */
public final class FrameFiles {

  /** A URI scheme followed by ':' and '/', e.g. {@code hdfs://}, {@code s3a://}, {@code file:/}. */
  private static final Pattern URI_PREFIX = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

  private FrameFiles() {}

  /**
   * Reads all bytes of {@code file}: a zip entry ({@link org.egotune.mixer.record.ZipFrames}) from its
   * local zip, read in place; a URI with a scheme is read from its file system; anything else
   * is a path on the local file system (never the cluster's default file system, so a record made on
   * a laptop means the same on a cluster with {@code fs.defaultFS = hdfs://...}).
   *
   * @throws IOException naming the file if it is missing or unreadable
   */
  public static byte[] read(Configuration conf, String file) throws IOException {
    if (org.egotune.mixer.record.ZipFrames.isZipEntry(file)) {
      try {
        return org.egotune.mixer.record.ZipFrames.read(file);
      } catch (java.io.FileNotFoundException e) {
        throw new IOException("frame file " + file + " not found (" + e.getMessage() + ")", e);
      }
    }
    return read(conf, file, "frame");
  }

  private static byte[] read(Configuration conf, String file, String what) throws IOException {
    Path path = toPath(file);
    FileSystem fs = path.getFileSystem(conf);
    try {
      return ShardFiles.readAll(fs, path);
    } catch (java.io.FileNotFoundException e) {
      throw new IOException(what + " file " + file + " not found", e);
    }
  }

  /**
   * Reads every frame file of {@code r} into a self-contained sample, each checked with {@link
   * #requireFrame}: a damaged frame stops {@code prepare} here, naming the file, instead of being
   * decoded half-grey during training. Depth label files, when the record has them, are read and
   * checked the same way ({@link DepthLabels#readNpy}: size, dtype, NaN, negative, above 1).
   */
  public static Sample toSample(Configuration conf, ClipRecord r) throws IOException {
    List<byte[]> frames = new ArrayList<>(r.frameFiles().size());
    for (String f : r.frameFiles()) {
      byte[] b = read(conf, f);
      requireFrame(f, b, r.height(), r.width());
      frames.add(b);
    }
    List<float[]> depths = new ArrayList<>(r.depthFiles().size());
    for (String f : r.depthFiles()) {
      depths.add(DepthLabels.readNpy(f, read(conf, f, "depth label"), r.height(), r.width()));
    }
    return new Sample(r, frames, depths);
  }

  /**
   * Checks that {@code bytes} are a whole JPEG or PNG of {@code height x width}: the format's end
   * marker is present (JPEG EOI, PNG IEND; ImageIO decodes a truncated file into a partly grey image
   * with no error) and the header's size matches the clip's (masks are aligned to that size).
   *
   * @throws DatasetFormatException naming the file and the problem
   */
  public static void requireFrame(String file, byte[] bytes, int height, int width)
      throws DatasetFormatException {
    boolean jpeg = bytes.length >= 4 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8;
    boolean png = bytes.length >= 8 && startsWith(bytes, PNG_SIGNATURE);
    if (!jpeg && !png) {
      throw new DatasetFormatException(file + ": not a readable image (expected a JPEG or PNG frame, found "
          + bytes.length + " bytes of something else)");
    }
    // Searched near the end: writers may pad after the marker, and a JPEG's EXIF thumbnail near the
    // start has an EOI of its own.
    int from = Math.max(0, bytes.length - END_SEARCH);
    boolean ended = jpeg ? indexOf(bytes, JPEG_EOI, from) >= 0 : indexOf(bytes, PNG_IEND, from) >= 0;
    if (!ended) {
      throw new DatasetFormatException(file + ": truncated " + (jpeg ? "JPEG (no end-of-image marker)"
          : "PNG (no IEND chunk)") + " after " + bytes.length + " bytes");
    }
    int[] hw = headerSize(file, bytes);
    if (hw[0] != height || hw[1] != width) {
      throw new DatasetFormatException(file + ": frame is " + hw[0] + "x" + hw[1] + " (height x width),"
          + " but the clip's frames and masks are " + height + "x" + width);
    }
  }

  private static final int END_SEARCH = 1024;
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] PNG_IEND = {'I', 'E', 'N', 'D'};
  private static final byte[] JPEG_EOI = {(byte) 0xFF, (byte) 0xD9};

  private static int[] headerSize(String file, byte[] bytes) throws DatasetFormatException {
    int[] hw;
    // In memory: ImageIO.createImageInputStream would buffer the bytes through a temporary file.
    try (javax.imageio.stream.ImageInputStream in = new javax.imageio.stream.MemoryCacheImageInputStream(
        new java.io.ByteArrayInputStream(bytes))) {
      hw = FrameHeader.size(in);
    } catch (IOException | RuntimeException e) {
      throw new DatasetFormatException(file + ": cannot read the image header: " + e.getMessage(), e);
    }
    if (hw == null) {
      throw new DatasetFormatException(file + ": not a readable image (expected a JPEG or PNG frame)");
    }
    return hw;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, byte[] what, int from) {
    outer:
    for (int i = from; i <= b.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static Path toPath(String file) {
    Objects.requireNonNull(file, "file");
    if (file.isBlank()) {
      throw new IllegalArgumentException("frame file name is blank");
    }
    if (URI_PREFIX.matcher(file).matches()) {
      try {
        // A well-formed URI is percent-encoded (java.net.URI / Path.toUri() output): decode it.
        return new Path(new URI(file));
      } catch (URISyntaxException e) {
        // Hadoop's own string form, e.g. "hdfs://nn/a b.jpg", is not a strict URI; Path parses it.
        return new Path(file);
      }
    }
    return new Path(new File(file).getAbsoluteFile().toURI());
  }
}
