package org.egotune.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe checkpoints in a directory on any Hadoop file system. A checkpoint is a directory
 * {@code step-NNNNNNNN} holding {@code params.f32}, {@code optimizer.f32} (little-endian float32),
 * optional extra files (e.g. the DL4J model) and {@code meta.json} with every file's SHA-256. It is
 * written under a temporary name, each file synced, then renamed into place, and only then does the
 * {@code latest} pointer move: a crash at any point leaves the previous checkpoint complete and
 * chosen. Loading verifies every checksum and refuses a checkpoint that does not match.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  static final String PARAMS = "params.f32";
  static final String OPTIMIZER = "optimizer.f32";
  static final String META = "meta.json";
  static final String LATEST = "latest";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Configuration conf;
  private final Path dir;
  private final int keepLast;

  /** A store in {@code dir} that keeps the newest {@code keepLast} checkpoints (>= 1). */
  public CheckpointStore(Configuration conf, Path dir, int keepLast) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("checkpoint.keepLast must be >= 1, found " + keepLast);
    }
    this.conf = conf;
    this.dir = dir;
    this.keepLast = keepLast;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Writes a checkpoint and moves {@code latest} to it; {@code extraFiles} (name to bytes) are stored
   * and checksummed beside the vectors. Returns the checkpoint's directory.
   */
  public Path save(CheckpointData data, Map<String, byte[]> extraFiles) {
    String name = String.format("step-%08d", data.step());
    Path target = new Path(dir, name);
    Path tmp = new Path(dir, "_tmp." + name + "." + UUID.randomUUID());
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(target)) {
        throw new IllegalStateException("checkpoint " + target + " already exists; a run never"
            + " overwrites a complete checkpoint (start a new output directory or resume)");
      }
      fs.mkdirs(tmp);
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(PARAMS, floats(data.params()));
      files.put(OPTIMIZER, floats(data.optimizer()));
      files.putAll(extraFiles);
      ObjectNode sums = JSON.createObjectNode();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        write(fs, new Path(tmp, f.getKey()), f.getValue());
        sums.put(f.getKey(), sha256(f.getValue()));
      }
      ObjectNode meta = JSON.createObjectNode();
      meta.put("format", 1);
      meta.put("step", data.step());
      meta.put("iteration", data.iteration());
      meta.put("mixerPosition", data.mixerPosition());
      meta.put("paramCount", data.params().length);
      meta.put("optimizerCount", data.optimizer().length);
      meta.set("sha256", sums);
      meta.set("job", data.meta());
      write(fs, new Path(tmp, META), JSON.writeValueAsBytes(meta));
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
      pointLatestAt(fs, name);
      prune(fs);
      LOG.info("checkpoint written: {}", target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("writing checkpoint " + target + " failed: " + e.getMessage(), e);
    }
  }

  /** The checkpoint {@code latest} points at, or the newest complete one if the pointer is gone. */
  public Optional<CheckpointData> loadLatest() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      Path latest = new Path(dir, LATEST);
      if (fs.exists(latest)) {
        String name = new String(readAll(fs, latest), StandardCharsets.UTF_8).trim();
        return Optional.of(load(new Path(dir, name)));
      }
      List<String> steps = completeCheckpoints(fs);
      if (steps.isEmpty()) {
        return Optional.empty();
      }
      LOG.warn("{} has no 'latest' pointer; using the newest complete checkpoint {}",
          dir, steps.get(steps.size() - 1));
      return Optional.of(load(new Path(dir, steps.get(steps.size() - 1))));
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoints in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** Loads and verifies one checkpoint directory. */
  public CheckpointData load(Path ckpt) {
    try {
      FileSystem fs = ckpt.getFileSystem(conf);
      Path metaPath = new Path(ckpt, META);
      if (!fs.exists(metaPath)) {
        throw new IllegalStateException(metaPath + " not found: " + ckpt + " is not a complete checkpoint");
      }
      JsonNode meta = JSON.readTree(readAll(fs, metaPath));
      JsonNode sums = require(meta, "sha256", metaPath);
      byte[] params = verified(fs, ckpt, PARAMS, sums);
      byte[] optimizer = verified(fs, ckpt, OPTIMIZER, sums);
      return new CheckpointData(
          require(meta, "step", metaPath).asInt(),
          require(meta, "iteration", metaPath).asInt(),
          require(meta, "mixerPosition", metaPath).asLong(),
          toFloats(params),
          toFloats(optimizer),
          require(meta, "job", metaPath));
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoint " + ckpt + " failed: " + e.getMessage(), e);
    }
  }

  /** Reads one extra file of a checkpoint, verified against its recorded checksum. */
  public byte[] readFile(Path ckpt, String name) {
    try {
      FileSystem fs = ckpt.getFileSystem(conf);
      Path metaPath = new Path(ckpt, META);
      JsonNode sums = require(JSON.readTree(readAll(fs, metaPath)), "sha256", metaPath);
      return verified(fs, ckpt, name, sums);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + new Path(ckpt, name) + " failed: " + e.getMessage(), e);
    }
  }

  /** The directory {@code latest} points at, if any. */
  public Optional<Path> latestDir() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      Path latest = new Path(dir, LATEST);
      if (!fs.exists(latest)) {
        List<String> steps = completeCheckpoints(fs);
        return steps.isEmpty() ? Optional.empty() : Optional.of(new Path(dir, steps.get(steps.size() - 1)));
      }
      return Optional.of(new Path(dir, new String(readAll(fs, latest), StandardCharsets.UTF_8).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> completeCheckpoints(FileSystem fs) throws IOException {
    List<String> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus st : fs.listStatus(dir)) {
      String n = st.getPath().getName();
      if (st.isDirectory() && n.matches("step-\\d{8}") && fs.exists(new Path(st.getPath(), META))) {
        out.add(n);
      }
    }
    out.sort(null);
    return out;
  }

  private void pointLatestAt(FileSystem fs, String name) throws IOException {
    Path tmp = new Path(dir, "_tmp.latest." + UUID.randomUUID());
    write(fs, tmp, (name + "\n").getBytes(StandardCharsets.UTF_8));
    Path latest = new Path(dir, LATEST);
    // Hadoop's rename does not replace an existing file; loadLatest() falls back to the newest
    // complete checkpoint during the instant between delete and rename.
    fs.delete(latest, false);
    if (!fs.rename(tmp, latest)) {
      throw new IOException("rename " + tmp + " -> " + latest + " failed");
    }
  }

  private void prune(FileSystem fs) throws IOException {
    List<String> steps = completeCheckpoints(fs);
    for (int i = 0; i < steps.size() - keepLast; i++) {
      fs.delete(new Path(dir, steps.get(i)), true);
      LOG.info("removed old checkpoint {} (keepLast={})", steps.get(i), keepLast);
    }
  }

  private static JsonNode require(JsonNode node, String key, Path file) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new IllegalStateException(file + ": missing key \"" + key + "\"");
    }
    return v;
  }

  private static byte[] verified(FileSystem fs, Path ckpt, String name, JsonNode sums) throws IOException {
    Path p = new Path(ckpt, name);
    JsonNode expected = sums.get(name);
    if (expected == null) {
      throw new IllegalStateException(new Path(ckpt, META) + ": no checksum recorded for " + name);
    }
    if (!fs.exists(p)) {
      throw new IllegalStateException(p + " is missing from the checkpoint");
    }
    byte[] bytes = readAll(fs, p);
    String actual = sha256(bytes);
    if (!actual.equals(expected.asText())) {
      throw new IllegalStateException(p + ": checksum mismatch (expected SHA-256 " + expected.asText()
          + ", found " + actual + "); the checkpoint is corrupt and will not be loaded");
    }
    return bytes;
  }

  /** Creates {@code p} (never over an existing file), writes {@code bytes} and syncs them to storage. */
  public static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(p, false)) {
      out.write(bytes);
      out.hsync();
    }
  }

  private static byte[] readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      in.transferTo(bos);
      return bos.toByteArray();
    }
  }

  static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  static float[] toFloats(byte[] bytes) {
    if (bytes.length % 4 != 0) {
      throw new IllegalStateException("float32 file has " + bytes.length + " bytes, not a multiple of 4");
    }
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** SHA-256 of {@code bytes} as lower-case hex, the checksum every manifest of ours records. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
