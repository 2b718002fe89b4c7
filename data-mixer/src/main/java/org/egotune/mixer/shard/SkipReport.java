package org.egotune.mixer.shard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.reader.BadSample;

/**
 * The {@code bad-samples.jsonl} report of a prepared dataset: one JSON object per sample left out
 * ({@link BadSample}: source, video, expId, kind, file, key, reason), written crash-safely before
 * the manifest.
 */
public final class SkipReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SkipReport() {}

  /** Writes {@code entries} as {@code datasetDir/bad-samples.jsonl} (empty when there are none). */
  public static void write(Configuration conf, Path datasetDir, List<BadSample> entries)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BadSample b : entries) {
      out.write(JSON.writeValueAsBytes(b));
      out.write('\n');
    }
    FileSystem fs = datasetDir.getFileSystem(conf);
    ShardFiles.writeAtomically(fs, new Path(datasetDir, SkippedSamples.REPORT_FILE), out.toByteArray());
  }

  /** Reads the report of {@code datasetDir}. */
  public static List<BadSample> read(Configuration conf, Path datasetDir) throws IOException {
    Path file = new Path(datasetDir, SkippedSamples.REPORT_FILE);
    FileSystem fs = file.getFileSystem(conf);
    String text = new String(ShardFiles.readAll(fs, file), java.nio.charset.StandardCharsets.UTF_8);
    List<BadSample> out = new ArrayList<>();
    int line = 0;
    for (String l : text.split("\n")) {
      line++;
      if (l.isBlank()) {
        continue;
      }
      try {
        out.add(JSON.readValue(l, BadSample.class));
      } catch (IOException e) {
        throw new IOException(file + ": line " + line + ": not a bad-sample entry: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
