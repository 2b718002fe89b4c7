package org.egotune.trainer.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.features.FeatureIndex;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.features.SyntheticFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic feature shards for prepared datasets ({@code <shards>/features/<source>/}) and for an
 * EgoMask-layout benchmark ({@code <benchmark>/features/egomask-bench/<split>/}): what
 * {@code egotune generate-features} runs and what the feature-preset tests use.
 */
public final class FeatureGeneration {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureGeneration.class);

  private FeatureGeneration() {}

  /** {@link #forShards(Configuration, String, List, ModelConfig, long, FeatureDtype, boolean)} at F32. */
  public static List<FeatureIndex> forShards(Configuration conf, String shards, List<String> sources,
      ModelConfig model, long seed, boolean overwrite) {
    return forShards(conf, shards, sources, model, seed, FeatureDtype.F32, overwrite);
  }

  /**
   * Generates features for {@code sources} of the prepared shards root {@code shards} (every
   * prepared source when empty), stored as {@code dtype}. Returns the indexes written.
   */
  public static List<FeatureIndex> forShards(Configuration conf, String shards, List<String> sources,
      ModelConfig model, long seed, FeatureDtype dtype, boolean overwrite) {
    SyntheticFeatures gen = new SyntheticFeatures(model, seed);
    return eachPreparedSource(conf, shards, sources, (source, records, frames) -> {
      Path target = new Path(FeatureStore.rootOf(shards), source);
      LOG.info("generating {} features for {} ({} samples) into {}", model.preset(), source, records.size(), target);
      return gen.write(conf, target, source, records, frames, dtype, overwrite);
    });
  }

  /** Generates F32 features for every split of the EgoMask-layout benchmark at {@code benchmark}. */
  public static List<FeatureIndex> forBenchmark(Configuration conf, java.nio.file.Path benchmark,
      ModelConfig model, long seed, boolean overwrite) {
    return forBenchmark(conf, benchmark, FeatureStore.rootOf(benchmark.toString()), model, seed,
        FeatureDtype.F32, overwrite);
  }

  /**
   * Generates features, stored as {@code dtype}, for every split of the EgoMask-layout benchmark at
   * {@code benchmark} into {@code <root>/egomask-bench/<split>/} ({@code root} is normally {@code
   * <benchmark>/features}).
   */
  public static List<FeatureIndex> forBenchmark(Configuration conf, java.nio.file.Path benchmark, Path root,
      ModelConfig model, long seed, FeatureDtype dtype, boolean overwrite) {
    SyntheticFeatures gen = new SyntheticFeatures(model, seed);
    return eachBenchmarkSplit(conf, benchmark, (source, records, frames) -> {
      Path target = new Path(root, source);
      LOG.info("generating {} features for {} ({} expressions) into {}", model.preset(), source,
          records.size(), target);
      return gen.write(conf, target, source, records, frames, dtype, overwrite);
    });
  }

  /**
   * The input of an external feature writer (python/egotune_features/sa2va.py): for every prepared
   * source of {@code shards} (or split of {@code benchmark}; whichever is not null) {@code
   * <out>/<source>/records.jsonl}, one record per line ({@code source}, {@code video}, {@code expId},
   * {@code expression}, {@code frames}: frame names, {@code files}: the frames' files relative to the
   * record file), and the frames as stored, once each, under {@code <out>/<source>/frames/<video>/}.
   * Returns the record files written.
   */
  public static List<java.nio.file.Path> exportRecords(Configuration conf, String shards, List<String> sources,
      java.nio.file.Path benchmark, java.nio.file.Path out) {
    SourceVisitor<java.nio.file.Path> export = (source, records, frames) -> {
      java.nio.file.Path dir = out.resolve(source);
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Path file = dir.resolve("records.jsonl");
      java.util.Set<String> written = new java.util.HashSet<>();
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(file)) {
        for (ClipRecord r : records) {
          List<String> files = new ArrayList<>();
          for (int i = 0; i < r.frameNames().size(); i++) {
            byte[] bytes = frames.read(r, i);
            boolean png = bytes.length > 3 && bytes[0] == (byte) 0x89 && bytes[1] == 'P' && bytes[2] == 'N';
            String rel = "frames/" + r.video() + "/" + r.frameNames().get(i) + (png ? ".png" : ".jpg");
            if (written.add(rel)) {
              java.nio.file.Path f = dir.resolve(rel);
              java.nio.file.Files.createDirectories(f.getParent());
              java.nio.file.Files.write(f, bytes);
            }
            files.add(rel);
          }
          java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
          line.put("source", source);
          line.put("video", r.video());
          line.put("expId", r.expId());
          line.put("expression", r.expression());
          line.put("frames", r.frameNames());
          line.put("files", files);
          w.write(json.writeValueAsString(line));
          w.write('\n');
        }
      }
      LOG.info("exported {} records of {} to {}", records.size(), source, file);
      return file;
    };
    return benchmark != null ? eachBenchmarkSplit(conf, benchmark, export)
        : eachPreparedSource(conf, shards, sources, export);
  }

  /** What to do with one source's records, whose frames {@code frames} reads. */
  @FunctionalInterface
  private interface SourceVisitor<T> {
    T visit(String source, List<ClipRecord> records, SyntheticFeatures.FrameBytes frames) throws IOException;
  }

  private static <T> List<T> eachPreparedSource(Configuration conf, String shards, List<String> sources,
      SourceVisitor<T> visitor) {
    List<T> out = new ArrayList<>();
    try {
      for (String source : sources.isEmpty() ? preparedSources(conf, shards) : sources) {
        try (ShardedDataset ds = ShardedDataset.open(conf, new Path(shards, source))) {
          List<ClipRecord> records = new ArrayList<>();
          java.util.Map<ClipRecord, List<byte[]>> frames = new java.util.IdentityHashMap<>();
          for (long i = 0; i < ds.size(); i++) {
            var s = ds.get(i);
            records.add(s.record());
            frames.put(s.record(), s.frames());
          }
          out.add(visitor.visit(source, records, (r, f) -> frames.get(r).get(f)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("generate-features on " + shards + " failed: " + e.getMessage(), e);
    }
    return out;
  }

  private static <T> List<T> eachBenchmarkSplit(Configuration conf, java.nio.file.Path benchmark,
      SourceVisitor<T> visitor) {
    List<T> out = new ArrayList<>();
    try {
      for (String split : EgoMaskBenchReader.SPLITS) {
        if (!java.nio.file.Files.isDirectory(benchmark.resolve("subset").resolve(split))) {
          continue;
        }
        List<ClipRecord> records = EgoMaskBenchReader.read(benchmark, split);
        out.add(visitor.visit(EgoMaskBenchReader.SOURCE_PREFIX + split, records,
            (r, f) -> FrameFiles.read(conf, r.frameFiles().get(f))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("generate-features on " + benchmark + " failed: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(benchmark + " holds no EgoMask split (subset/{short,medium,long})");
    }
    return out;
  }

  private static List<String> preparedSources(Configuration conf, String shards) throws IOException {
    Path root = new Path(shards);
    FileSystem fs = root.getFileSystem(conf);
    List<String> out = new ArrayList<>();
    if (fs.exists(root)) {
      for (FileStatus st : fs.listStatus(root)) {
        if (st.isDirectory() && fs.exists(new Path(st.getPath(), DatasetManifest.FILE_NAME))) {
          out.add(st.getPath().getName());
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(shards + " holds no prepared dataset (<source>/"
          + DatasetManifest.FILE_NAME + "); run 'egotune prepare' first");
    }
    out.sort(null);
    return out;
  }
}
