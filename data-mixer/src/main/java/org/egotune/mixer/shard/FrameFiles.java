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
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.FrameHeader;
import org.egotune.mixer.record.Sample;

/** Reads frame image files through the Hadoop file system, turning records into samples. */
public final class FrameFiles {

  /** A URI scheme followed by ':' and '/', e.g. {@code hdfs://}, {@code s3a://}, {@code file:/}. */
  private static final Pattern URI_PREFIX = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

  private FrameFiles() {}

  /**
   * Reads all bytes of {@code file}: a URI with a scheme is read from its file system; anything else
   * is a path on the local file system (never the cluster's default file system, so a record made on
   * a laptop means the same on a cluster with {@code fs.defaultFS = hdfs://...}).
   *
   * @throws IOException naming the file if it is missing or unreadable
   */
  public static byte[] read(Configuration conf, String file) throws IOException {
    Path path = toPath(file);
    FileSystem fs = path.getFileSystem(conf);
    try {
      return ShardFiles.readAll(fs, path);
    } catch (java.io.FileNotFoundException e) {
      throw new IOException(file + ": frame file not found", e);
    }
  }

  /**
   * Reads every frame file of {@code r} into a self-contained sample, checking from each file's
   * header that it is an image of the record's size (the readers look at the first frame only).
   *
   * @throws IOException whose message starts with the frame file, for a missing or unreadable frame
   *     or one of another size
   */
  public static Sample toSample(Configuration conf, ClipRecord r) throws IOException {
    List<byte[]> frames = new ArrayList<>(r.frameFiles().size());
    for (String f : r.frameFiles()) {
      byte[] b = read(conf, f);
      FrameHeader.check(b, f, r.height(), r.width());
      frames.add(b);
    }
    return new Sample(r, frames);
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
