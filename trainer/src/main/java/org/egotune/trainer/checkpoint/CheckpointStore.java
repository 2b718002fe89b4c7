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
 * optional extra files (e.g. the DL4J model), {@code meta.json} with every file's SHA-256 and
 * {@code meta.json.sha256} with meta.json's own. It is written under a temporary name, each file
 * synced, then renamed into place, and only then does the {@code latest} pointer move: a crash at any
 * point leaves the previous checkpoint complete and chosen. Loading verifies every checksum and
 * refuses a checkpoint that does not match; {@link #loadForResume()} then falls back to the newest
 * older checkpoint that verifies (docs/reliability.md).
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  static final String PARAMS = "params.f32";
  static final String OPTIMIZER = "optimizer.f32";
  static final String META = "meta.json";
  static final String META_SUM = "meta.json.sha256";
  static final String LATEST = "latest";
  /** Prefix of a checkpoint that failed verification on resume and was set aside, never deleted. */
  static final String CORRUPT = "_corrupt.";
  private static final String STEP_NAME = "step-\\d{8}";
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
      meta.put("format", 2);
      meta.put("step", data.step());
      meta.put("iteration", data.iteration());
      meta.put("mixerPosition", data.mixerPosition());
      meta.put("paramCount", data.params().length);
      meta.put("optimizerCount", data.optimizer().length);
      meta.set("sha256", sums);
      meta.set("job", data.meta());
      byte[] metaBytes = JSON.writeValueAsBytes(meta);
      write(fs, new Path(tmp, META), metaBytes);
      // meta.json holds the other files' checksums; its own lives beside it so that a flipped byte
      // in it (a step number, a checksum digit) is caught too.
      write(fs, new Path(tmp, META_SUM), (sha256(metaBytes) + "\n").getBytes(StandardCharsets.UTF_8));
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
      pointLatestAt(fs, name);
      try {
        prune(fs);
      } catch (IOException e) {
        // The new checkpoint is committed; an old one left behind costs space, not correctness.
        LOG.warn("could not remove old checkpoints in {}: {}", dir, e.toString());
      }
      LOG.info("checkpoint written: {}", target);
      return target;
    } catch (IOException e) {
      removeQuietly(tmp);
      throw new UncheckedIOException("writing checkpoint " + target + " failed: " + e.getMessage()
          + " (the previous checkpoint and the 'latest' pointer are unchanged)", e);
    }
  }

  private void removeQuietly(Path tmp) {
    try {
      tmp.getFileSystem(conf).delete(tmp, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the partial checkpoint {}: {}", tmp, e.toString());
    }
  }

  /** The checkpoint {@code latest} points at, or the newest complete one if the pointer is gone. */
  public Optional<CheckpointData> loadLatest() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      Optional<String> name = latestName(fs);
      return name.map(n -> load(new Path(dir, n)));
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoints in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The checkpoint a resumed run continues from: the newest complete (renamed) one that verifies,
   * normally the one {@code latest} points at. A checkpoint that fails verification is renamed
   * to {@code _corrupt.step-NNNNNNNN.<uuid>} (kept for inspection; the resumed run writes that step
   * again, bit for bit as it would have been) and {@code latest} is moved to the one chosen. Empty
   * when the directory holds no checkpoint at all; when checkpoints exist but none verifies, this
   * throws rather than let a run silently start again from scratch.
   */
  public Optional<CheckpointData> loadForResume() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      // The rename is the commit point, so the newest renamed checkpoint wins even when a crash
      // came before 'latest' moved to it (resuming from the pointer would later collide with it).
      removeStaleTemporaries(fs);
      List<String> candidates = completeCheckpoints(fs);
      Path latest = new Path(dir, LATEST);
      String pointed = fs.exists(latest) ? new String(readAll(fs, latest), StandardCharsets.UTF_8).trim() : "";
      List<String> refused = new ArrayList<>();
      for (int i = candidates.size() - 1; i >= 0; i--) {
        String name = candidates.get(i);
        try {
          CheckpointData c = load(new Path(dir, name));
          if (!pointed.equals(name)) {
            pointLatestAt(fs, name);
          }
          if (!refused.isEmpty()) {
            LOG.warn("resuming from {} instead: {} failed verification and {} set aside as {}*",
                name, refused, refused.size() == 1 ? "was" : "were", CORRUPT);
          }
          return Optional.of(c);
        } catch (IllegalStateException e) {
          // Only a failed verification; an I/O error (the file system is away) propagates, so a
          // sound checkpoint is never set aside because storage hiccupped.
          LOG.warn("checkpoint {} cannot be resumed from: {}", name, e.getMessage());
          refused.add(name + " (" + e.getMessage() + ")");
          Path aside = new Path(dir, CORRUPT + name + "." + UUID.randomUUID());
          if (!fs.rename(new Path(dir, name), aside)) {
            throw new IOException("could not set the corrupt checkpoint " + name + " aside as " + aside);
          }
        }
      }
      if (!refused.isEmpty()) {
        throw new IllegalStateException("no checkpoint in " + dir + " verifies, so the run cannot"
            + " resume: " + String.join("; ", refused));
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoints in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Removes what writes killed mid-way left behind ({@code _tmp.*}): never read, they would only
   * pile up. Only a resuming run calls this, and a directory has one writer at a time.
   */
  private void removeStaleTemporaries(FileSystem fs) throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.getPath().getName().startsWith("_tmp.")) {
        LOG.info("removing {}, left by a write that did not finish", st.getPath().getName());
        fs.delete(st.getPath(), true);
      }
    }
  }

  /**
   * The name {@code latest} holds if it names an existing checkpoint, else the newest complete
   * checkpoint (a missing or damaged pointer is never fatal: the directories are the truth).
   */
  private Optional<String> latestName(FileSystem fs) throws IOException {
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    Path latest = new Path(dir, LATEST);
    String why;
    if (fs.exists(latest)) {
      String name = new String(readAll(fs, latest), StandardCharsets.UTF_8).trim();
      if (name.matches(STEP_NAME) && fs.exists(new Path(dir, name))) {
        return Optional.of(name);
      }
      why = "its 'latest' pointer names " + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
          + ", which is not a checkpoint here";
    } else {
      why = "it has no 'latest' pointer";
    }
    List<String> steps = completeCheckpoints(fs);
    if (steps.isEmpty()) {
      return Optional.empty();
    }
    String newest = steps.get(steps.size() - 1);
    LOG.warn("{}: {}; using the newest complete checkpoint {}", dir, why, newest);
    return Optional.of(newest);
  }

  /** Loads and verifies one checkpoint directory. */
  public CheckpointData load(Path ckpt) {
    try {
      FileSystem fs = ckpt.getFileSystem(conf);
      Path metaPath = new Path(ckpt, META);
      if (!fs.exists(metaPath)) {
        throw new IllegalStateException(metaPath + " not found: " + ckpt + " is not a complete checkpoint");
      }
      JsonNode meta = verifiedMeta(fs, ckpt);
      JsonNode sums = require(meta, "sha256", metaPath);
      byte[] params = verified(fs, ckpt, PARAMS, sums);
      byte[] optimizer = verified(fs, ckpt, OPTIMIZER, sums);
      float[] p = toFloats(params);
      for (int i = 0; i < p.length; i++) {
        // A run stops before it would checkpoint a diverged state, so this file was made elsewhere.
        if (!Float.isFinite(p[i])) {
          throw new IllegalStateException(new Path(ckpt, PARAMS) + ": parameter " + i + " is " + p[i]
              + "; a checkpoint never holds non-finite parameters");
        }
      }
      return new CheckpointData(
          require(meta, "step", metaPath).asInt(),
          require(meta, "iteration", metaPath).asInt(),
          require(meta, "mixerPosition", metaPath).asLong(),
          p,
          toFloats(optimizer),
          require(meta, "job", metaPath));
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw corrupt(ckpt, e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoint " + ckpt + " failed: " + e.getMessage(), e);
    }
  }

  /** Hadoop's own .crc files caught the damage before our SHA-256 could: the same refusal. */
  private static IllegalStateException corrupt(Path ckpt, org.apache.hadoop.fs.ChecksumException e) {
    return new IllegalStateException(ckpt + ": checksum mismatch (" + e.getMessage().lines().findFirst()
        .orElse("") + "); the checkpoint is corrupt and will not be loaded", e);
  }

  /** meta.json, parsed, after checking it against meta.json.sha256 (format 2 and later). */
  private static JsonNode verifiedMeta(FileSystem fs, Path ckpt) throws IOException {
    Path metaPath = new Path(ckpt, META);
    byte[] bytes = readAll(fs, metaPath);
    Path sumPath = new Path(ckpt, META_SUM);
    boolean hasSum = fs.exists(sumPath);
    if (hasSum) {
      String expected = new String(readAll(fs, sumPath), StandardCharsets.UTF_8).trim();
      String actual = sha256(bytes);
      if (!actual.equals(expected)) {
        throw new IllegalStateException(metaPath + ": checksum mismatch (expected SHA-256 " + expected
            + " from " + META_SUM + ", found " + actual + "); the checkpoint is corrupt and will not be loaded");
      }
    }
    JsonNode meta;
    try {
      meta = JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(metaPath + ": not valid JSON (" + e.getOriginalMessage()
          + "); the checkpoint is corrupt and will not be loaded");
    }
    if (meta == null || !meta.isObject()) {
      throw new IllegalStateException(metaPath + ": expected a JSON object; the checkpoint is corrupt");
    }
    if (!hasSum && meta.path("format").asInt() != 1) {
      // Only format 1 (before the sidecar existed) may lack it; a later one lost a file.
      throw new IllegalStateException(sumPath + " is missing from the checkpoint");
    }
    return meta;
  }

  /** Reads one extra file of a checkpoint, verified against its recorded checksum. */
  public byte[] readFile(Path ckpt, String name) {
    try {
      FileSystem fs = ckpt.getFileSystem(conf);
      Path metaPath = new Path(ckpt, META);
      JsonNode sums = require(verifiedMeta(fs, ckpt), "sha256", metaPath);
      return verified(fs, ckpt, name, sums);
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw corrupt(ckpt, e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + new Path(ckpt, name) + " failed: " + e.getMessage(), e);
    }
  }

  /** The directory {@code latest} points at, if any. */
  public Optional<Path> latestDir() {
    try {
      return latestName(dir.getFileSystem(conf)).map(n -> new Path(dir, n));
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
      if (st.isDirectory() && n.matches(STEP_NAME) && fs.exists(new Path(st.getPath(), META))) {
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
      // Renamed out of the step-* namespace first: a kill during the recursive delete must not leave
      // a half-deleted directory that still looks like a complete checkpoint.
      Path doomed = new Path(dir, "_tmp.prune." + steps.get(i) + "." + UUID.randomUUID());
      if (!fs.rename(new Path(dir, steps.get(i)), doomed)) {
        throw new IOException("rename " + steps.get(i) + " -> " + doomed + " failed");
      }
      fs.delete(doomed, true);
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
    FSDataOutputStream out = fs.create(p, false);
    try {
      out.write(bytes);
      out.hsync();
    } catch (IOException e) {
      // Not try-with-resources: HDFS's stream rethrows the very same exception from close() (a full
      // quota), and addSuppressed(itself) would replace the real error with "Self-suppression not
      // permitted".
      try {
        out.close();
      } catch (IOException | RuntimeException c) {
        if (c != e) {
          e.addSuppressed(c);
        }
      }
      throw e;
    }
    out.close();
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
