package org.egotune.trainer.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.model.ModelConfig;
import org.egotune.model.io.Safetensors;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.data.FeatureSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one source's feature shards crash-safely: tensors are collected until a shard reaches its
 * size, then the shard is written under a temporary name (synced), hashed and renamed; {@link
 * #finish} writes {@code index.json} the same way, last. A directory without an index is
 * incomplete and {@link FeatureStore} refuses it; an existing index is only replaced with
 * {@code overwrite}, which first deletes the directory.
 */
public final class FeatureShardWriter {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureShardWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path dir;
  private final ModelConfig model;
  private final String source;
  private final Map<String, long[]> shapes = new LinkedHashMap<>();
  private final long shardBytes;
  private final List<FeatureIndex.Shard> shards = new ArrayList<>();
  private final Map<String, Integer> frames = new LinkedHashMap<>();
  private final Map<String, Integer> expressions = new LinkedHashMap<>();
  private final FeatureDtype dtype;
  private final List<Safetensors.Raw> pending = new ArrayList<>();
  private long pendingBytes;

  /**
   * Opens {@code dir} for writing the features of {@code source} for {@code model}'s inputs, stored
   * as {@code dtype}; shards are cut at about {@code shardBytes}.
   */
  public FeatureShardWriter(Configuration conf, Path dir, ModelConfig model, String source,
      FeatureDtype dtype, boolean overwrite, long shardBytes) throws IOException {
    if (!model.usesFeatures()) {
      throw new IllegalArgumentException("model.preset " + model.preset() + " reads frames; feature shards"
          + " are for the SAM2 and depth presets");
    }
    this.fs = dir.getFileSystem(conf);
    this.dir = dir;
    this.model = model;
    this.source = source;
    this.shardBytes = shardBytes;
    this.dtype = dtype;
    FeatureSource.rowShapes(model).forEach((k, v) -> shapes.put(k, java.util.Arrays.copyOfRange(v, 1, v.length)));
    if (fs.exists(new Path(dir, FeatureIndex.FILE_NAME))) {
      if (!overwrite) {
        throw new IllegalStateException(dir + " already holds feature shards (" + FeatureIndex.FILE_NAME
            + "); pass --overwrite to replace them");
      }
    }
    if (fs.exists(dir) && !fs.delete(dir, true)) {
      throw new IOException("could not delete the old " + dir);
    }
    fs.mkdirs(dir);
  }

  /** True when frame {@code <video>/<frame>} was already added. */
  public boolean hasFrame(String video, String frame) {
    return frames.containsKey(FeatureIndex.frameKey(video, frame));
  }

  /** True when expression {@code <video>/<expId>} was already added. */
  public boolean hasExpression(String video, String expId) {
    return expressions.containsKey(FeatureIndex.expressionKey(video, expId));
  }

  /** Adds a frame's per-frame inputs (every input but the per-expression ones), by input name. */
  public void addFrame(String video, String frame, Map<String, float[]> values) throws IOException {
    String key = FeatureIndex.frameKey(video, frame);
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (!FeatureStore.perExpression(e.getKey())) {
        put(FeatureIndex.tensorName(false, key, e.getKey()), e.getKey(), values.get(e.getKey()), e.getValue());
      }
    }
    frames.put(key, shards.size());
    flushIfFull();
  }

  /** Adds an expression's per-expression inputs, by input name. */
  public void addExpression(String video, String expId, Map<String, float[]> values) throws IOException {
    String key = FeatureIndex.expressionKey(video, expId);
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (FeatureStore.perExpression(e.getKey())) {
        put(FeatureIndex.tensorName(true, key, e.getKey()), e.getKey(), values.get(e.getKey()), e.getValue());
      }
    }
    expressions.put(key, shards.size());
    flushIfFull();
  }

  private void put(String name, String input, float[] v, long[] shape) {
    long n = FeatureIndex.values(shape);
    if (v == null || v.length != n) {
      throw new IllegalArgumentException(name + ": input " + input + " needs " + n + " values, got "
          + (v == null ? "none" : v.length));
    }
    byte[] data = dtype.encode(v);
    pending.add(new Safetensors.Raw(name, dtype.safetensors(), shape, data));
    pendingBytes += data.length;
  }

  private void flushIfFull() throws IOException {
    if (pendingBytes >= shardBytes) {
      flush();
    }
  }

  private void flush() throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    String name = FeatureIndex.shardName(shards.size());
    // A fixed order (Map.of's varies between JVMs): the same features give the same bytes.
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("egotune.source", source);
    meta.put("egotune.preset", model.preset());
    if (dtype != FeatureDtype.F32) {
      // Lets the reader verify each tensor it reads without hashing the whole shard. F32 shards
      // stay byte-identical to format 1 and are verified whole (FeatureStore).
      for (Safetensors.Raw r : pending) {
        meta.put(FeatureShard.CRC_KEY + r.name(), FeatureShard.crc32(r.data()));
      }
    }
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(
        (int) Math.min(Integer.MAX_VALUE - 8, pendingBytes + 4096));
    Safetensors.write(buf, pending, meta);
    byte[] bytes = buf.toByteArray();
    Path tmp = new Path(dir, "_tmp." + name + "." + UUID.randomUUID());
    CheckpointStore.write(fs, tmp, bytes);
    Path target = new Path(dir, name);
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename " + tmp + " to " + target);
    }
    shards.add(new FeatureIndex.Shard(name, bytes.length, CheckpointStore.sha256(bytes), pending.size()));
    pending.clear();
    pendingBytes = 0;
  }

  /** Writes the last shard and then the index; returns the index. */
  public FeatureIndex finish(String generator) throws IOException {
    flush();
    FeatureIndex index = new FeatureIndex(FeatureIndex.FORMAT_VERSION, source, model.preset(), dtype.id(), shapes,
        shards, frames, expressions, generator);
    Path tmp = new Path(dir, "_tmp." + FeatureIndex.FILE_NAME + "." + UUID.randomUUID());
    CheckpointStore.write(fs, tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
    if (!fs.rename(tmp, new Path(dir, FeatureIndex.FILE_NAME))) {
      throw new IOException("could not rename " + tmp + " to " + new Path(dir, FeatureIndex.FILE_NAME));
    }
    LOG.info("wrote {}: {} frames, {} expressions in {} shards", dir, frames.size(), expressions.size(),
        shards.size());
    return index;
  }
}
