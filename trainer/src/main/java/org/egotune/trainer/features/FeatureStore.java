package org.egotune.trainer.features;

import org.egotune.mixer.reader.DatasetFormatException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.trainer.data.FeatureSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads feature shards for a model: {@code <root>/<source>/index.json} plus its
 * {@code part-NNNNN.safetensors} files, where {@code root} is {@code <shards>/features} for training
 * data and {@code <benchmark>/features} for the benchmark. Each source's index is opened when first
 * needed and checked against the model's inputs. Shards are read per tensor ({@link FeatureShard}:
 * one positioned read per lookup, widened to float from the index's dtype), and up to {@code
 * cachedShards} are kept open. Integrity: every shard's size is checked when opened; a BF16 / F16
 * shard's tensors are checked against the CRC-32s in its header as they are read, while an F32
 * shard (format 1, no per-tensor checksums) has its SHA-256 verified once, streamed, the first
 * time this store opens it. Not thread-safe.
 */
public final class FeatureStore implements FeatureSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(FeatureStore.class);

  private final Configuration conf;
  private final Path root;
  private final ModelConfig model;
  private final int cachedShards;
  private final Map<String, FeatureIndex> indexes = new HashMap<>();
  private final Map<String, FeatureShard> shards =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FeatureShard> e) {
          if (size() > cachedShards) {
            try {
              e.getValue().close();
            } catch (IOException ex) {
              LOG.warn("closing feature shard {}: {}", e.getKey(), ex.toString());
            }
            return true;
          }
          return false;
        }
      };
  /** Shards whose whole-file SHA-256 this store has verified (those without per-tensor CRCs). */
  private final Set<String> verified = new HashSet<>();

  public FeatureStore(Configuration conf, Path root, ModelConfig model, int cachedShards) {
    this.conf = conf;
    this.root = root;
    this.model = model;
    this.cachedShards = cachedShards;
  }

  /** Feature root for a dataset or benchmark directory: {@code <dir>/features}. */
  public static Path rootOf(String dir) {
    return new Path(new Path(dir), "features");
  }

  /** Inputs stored once per expression rather than per frame: the [SEG] hidden state. */
  static boolean perExpression(String input) {
    return Sam2Decoder.SEG_HIDDEN.equals(input);
  }

  @Override
  public float[] get(String input, ClipRecord r, int frame) {
    FeatureIndex index = index(r.source());
    boolean perExp = perExpression(input);
    String key = perExp ? FeatureIndex.expressionKey(r.video(), r.expId())
        : FeatureIndex.frameKey(r.video(), r.frameNames().get(frame));
    Integer shard = perExp ? index.expressions().get(key) : index.frames().get(key);
    if (shard == null) {
      throw new IllegalArgumentException(dir(r.source()) + ": no features for "
          + (perExp ? "expression " : "frame ") + key + " (regenerate the feature shards for this dataset)");
    }
    String tensor = FeatureIndex.tensorName(perExp, key, input);
    Path file = new Path(dir(r.source()), index.shards().get(shard).file());
    float[] v;
    try {
      v = shard(r.source(), index, shard).tensor(tensor, FeatureIndex.values(index.inputs().get(input)));
    } catch (DatasetFormatException e) {
      throw new UncheckedIOException(new DatasetFormatException("reading tensor " + tensor + ": " + e.getMessage(), e));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tensor " + tensor + " of feature shard " + file + ": "
          + e.getMessage(), e);
    }
    if (v == null) {
      throw new IllegalArgumentException(file + ": lacks tensor " + tensor);
    }
    return v;
  }

  /** The index of {@code source}, read and checked against the model on first use. */
  public FeatureIndex index(String source) {
    return indexes.computeIfAbsent(source, s -> {
      Path file = new Path(dir(s), FeatureIndex.FILE_NAME);
      FeatureIndex index;
      try {
        index = JSON.readValue(read(file), FeatureIndex.class);
      } catch (FileNotFoundException e) {
        throw new UncheckedIOException(new DatasetFormatException(file + " not found: no feature shards for source " + s
            + " (model.preset " + model.preset() + " needs them; generate them with"
            + " 'egotune generate-features', see docs/models.md)", e));
      } catch (IOException e) {
        throw new UncheckedIOException(new DatasetFormatException(file + " is malformed: " + e.getMessage(), e));
      }
      check(file, index);
      return index;
    });
  }

  private void check(Path file, FeatureIndex index) {
    Map<String, long[]> want = FeatureSource.rowShapes(model);
    StringBuilder diff = new StringBuilder();
    for (Map.Entry<String, long[]> e : want.entrySet()) {
      long[] shape = Arrays.copyOfRange(e.getValue(), 1, e.getValue().length);
      long[] got = index.inputs().get(e.getKey());
      if (got == null) {
        diff.append("\n  missing input ").append(e.getKey()).append(' ').append(Arrays.toString(shape));
      } else if (!Arrays.equals(got, shape)) {
        diff.append("\n  input ").append(e.getKey()).append(' ').append(Arrays.toString(got))
            .append(" (expected ").append(Arrays.toString(shape)).append(')');
      }
    }
    if (diff.length() > 0) {
      throw new IllegalArgumentException(file + ": features of preset " + index.preset()
          + " do not fit model.preset " + model.preset() + ":" + diff);
    }
  }

  private FeatureShard shard(String source, FeatureIndex index, int i) throws IOException {
    String cacheKey = source + "#" + i;
    FeatureShard open = shards.get(cacheKey);
    if (open != null) {
      return open;
    }
    FeatureIndex.Shard info = index.shards().get(i);
    Path file = new Path(dir(source), info.file());
    FeatureShard s = new FeatureShard(conf, file, info.bytes(), index.featureDtype());
    try {
      if (!s.checksPerTensor() && !verified.contains(cacheKey)) {
        String sum = s.sha256();
        if (!sum.equals(info.sha256())) {
          throw new DatasetFormatException(file + ": checksum mismatch (index SHA-256 " + info.sha256()
              + ", found " + sum + ")");
        }
        verified.add(cacheKey);
      }
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    shards.put(cacheKey, s);
    return s;
  }

  private Path dir(String source) {
    return new Path(root, source);
  }

  private byte[] read(Path file) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }
}
