package org.egotune.cluster.prepare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.spark.HadoopConfEntries;
import org.egotune.mixer.reader.BadSample;
import org.egotune.mixer.reader.BadSamplePolicy;
import org.egotune.mixer.reader.BadSamples;
import org.egotune.mixer.layout.DatasetLayout;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.mixer.shard.ShardInfo;
import org.egotune.mixer.shard.ShardWriter;
import org.egotune.mixer.shard.SkipReport;
import org.egotune.mixer.shard.SkippedSamples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The {@code prepare} Spark job: reads one split of a dataset in its native layout on the driver
 * (annotations only, through the layout's reader in {@link DatasetLayouts}), then Spark tasks read
 * the frames and write self-contained Parquet shards, one task per shard, and the driver writes the
 * manifest last, which marks the dataset complete.
 *
 * <p>Bad input met by a task (a damaged or unreadable frame, a frame of another size: a
 * {@link DatasetFormatException}) is the task's result, not its failure: the task returns the
 * problem (file, key, reason) and the driver throws it, so Spark neither logs a task failure nor
 * retries a failure that would repeat. Any other exception is a bug or an I/O failure: it fails the
 * task as usual, with its trace.
 */
public final class PrepareJob {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);

  /**
   * What was written.
   *
   * @param skipped samples left out for a problem (under {@code skip}) and all-null expressions,
   *     as the manifest records them; the entries are in {@code dir/bad-samples.jsonl}
   */
  public record Result(String source, Path dir, long samples, int shards, SkippedSamples skipped) {}

  /**
   * What to prepare.
   *
   * @param layout a registered training layout ({@link DatasetLayouts})
   * @param input the dataset root in that layout
   * @param out shards root (any Hadoop URI); the dataset goes to {@code out/<source>}
   * @param source the dataset's name in the mixture and every row's source; null or blank: the
   *     layout's name
   * @param split the split to read; null: the layout's default (training) split
   * @param samplesPerShard target number of samples per shard, at least 1
   * @param overwrite whether to replace a complete dataset already there
   * @param policy what to do with a sample that cannot be used
   */
  public record Request(String layout, java.nio.file.Path input, String out, String source,
      String split, int samplesPerShard, boolean overwrite, BadSamplePolicy policy) {
    public Request {
      if (layout == null || layout.isBlank()) {
        throw new IllegalArgumentException("layout must be non-blank, found '" + layout + "'");
      }
      java.util.Objects.requireNonNull(input, "input must not be null");
      if (out == null || out.isBlank()) {
        throw new IllegalArgumentException("out must be non-blank, found '" + out + "'");
      }
      if (samplesPerShard < 1) {
        throw new IllegalArgumentException("samplesPerShard must be >= 1, found " + samplesPerShard);
      }
      java.util.Objects.requireNonNull(policy, "policy must not be null");
    }

    /** The dataset's name: {@code source}, else the layout's. */
    String name() {
      return source == null || source.isBlank() ? layout : source;
    }
  }

  /**
   * A shard task's result: the shard written (null when none was), the samples it left out under
   * skip, and, under fail, the bad input that stopped it (null when none did).
   */
  record ShardOutcome(ShardInfo info, List<BadSample> skipped, BadSample failure)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    ShardOutcome {
      skipped = new ArrayList<>(skipped);
    }
  }

  private PrepareJob() {}

  /**
   * Converts the default split of {@code input} (layout {@code layout}) into shards under
   * {@code out/<source>}, failing on the first bad sample.
   *
   * @param source dataset name in the mixture (defaults to the layout id when null)
   * @param samplesPerShard target number of samples per shard
   */
  public static Result run(SparkSession spark, String layout, java.nio.file.Path input, String out,
      String source, int samplesPerShard, boolean overwrite) {
    return run(spark, new Request(layout, input, out, source, null, samplesPerShard, overwrite,
        BadSamplePolicy.FAIL));
  }

  /**
   * Runs {@code request}. Under {@link BadSamplePolicy#FAIL} the first bad sample ends the job with
   * a {@link DatasetFormatException} (wrapped in an {@link UncheckedIOException}) naming the file,
   * key and expectation: before anything is written when the annotations show it, else once the
   * tasks that read the frames have returned it. Under {@link BadSamplePolicy#SKIP} it is left out,
   * logged, counted in the manifest and listed in {@code bad-samples.jsonl}, which is written
   * (crash-safely) before the manifest. The manifest records the split read.
   *
   * @throws IllegalArgumentException for an unknown layout or split, or a benchmark layout
   */
  public static Result run(SparkSession spark, Request request) {
    DatasetLayout layout = trainingLayout(request.layout());
    String split = layout.split(request.split());
    java.nio.file.Path input = request.input();
    BadSamplePolicy policy = request.policy();
    boolean overwrite = request.overwrite();
    int samplesPerShard = request.samplesPerShard();
    String name = request.name();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path dir = new Path(request.out(), name);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(new Path(dir, DatasetManifest.FILE_NAME)) && !overwrite) {
        throw new IllegalStateException(dir + " already holds a complete dataset (manifest.json);"
            + " pass --overwrite to replace it");
      }
      BadSamples bad = new BadSamples(policy, name);
      List<ClipRecord> records = layout.read(input, split, name, bad).records();
      if (records.isEmpty()) {
        throw new IllegalStateException(input + ": layout " + layout.name() + " (split " + split
            + ") holds no usable expression"
            + (bad.entries().isEmpty() ? "" : " (" + bad.badCount() + " bad, " + bad.allNullCount()
                + " null in every frame; see the log)"));
      }
      if (overwrite && fs.exists(dir)) {
        fs.delete(dir, true);
      }
      fs.mkdirs(dir);
      List<Tuple2<Integer, List<ClipRecord>>> chunks = new ArrayList<>();
      for (int i = 0, s = 0; i < records.size(); i += samplesPerShard, s++) {
        chunks.add(new Tuple2<>(s, new ArrayList<>(records.subList(i, Math.min(records.size(), i + samplesPerShard)))));
      }
      LOG.info("prepare {}: {} expressions from {} (split {}) -> {} shards in {}", name,
          records.size(), input, split, chunks.size(), dir);
      String dirUri = dir.toString();
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Broadcast<HadoopConfEntries> hc = jsc.broadcast(HadoopConfEntries.of(conf));
      boolean skip = policy == BadSamplePolicy.SKIP;
      List<ShardOutcome> written = jsc.parallelize(chunks, chunks.size())
          .map(c -> writeShard(hc.value().toConfiguration(), dirUri, c._1(), c._2(), name, skip))
          .collect();
      List<ShardInfo> infos = new ArrayList<>();
      List<BadSample> report = new ArrayList<>(bad.entries());
      long badCount = bad.badCount();
      for (ShardOutcome w : written) {
        if (w.failure() != null) {
          BadSample f = w.failure();
          // the first in sample order; no manifest is written, so the output is not complete
          throw new DatasetFormatException("sample " + f.key() + " of " + name + ": " + f.file() + ": "
              + f.reason());
        }
        if (w.info() != null) {
          infos.add(w.info());
        }
        report.addAll(w.skipped());
        badCount += w.skipped().size();
      }
      infos.sort(Comparator.comparing(ShardInfo::file));
      if (infos.isEmpty()) {
        throw new IllegalStateException(input + ": every sample of layout " + layout
            + " was left out (" + badCount + " bad); see the log");
      }
      SkippedSamples skipped =
          new SkippedSamples(policy.id(), badCount, bad.allNullCount(), SkippedSamples.REPORT_FILE);
      SkipReport.write(conf, dir, report);
      DatasetManifest manifest = DatasetManifest.of(name, split, infos, skipped);
      DatasetManifest.write(conf, dir, manifest, overwrite);
      if (skipped.bad() + skipped.allNull() > 0) {
        LOG.warn("prepare {}: left out {} bad sample(s) and {} expression(s) null in every frame;"
            + " listed in {}", name, skipped.bad(), skipped.allNull(),
            new Path(dir, SkippedSamples.REPORT_FILE));
      }
      LOG.info("prepare {}: wrote {} samples in {} shards", name, manifest.totalSamples(), infos.size());
      return new Result(name, dir, manifest.totalSamples(), infos.size(), skipped);
    } catch (IOException e) {
      throw new UncheckedIOException("prepare " + name + " into " + dir + " failed: " + e.getMessage(), e);
    }
  }

  /** The registered layout {@code name}, which must be a training source. */
  private static DatasetLayout trainingLayout(String name) {
    List<String> training = DatasetLayouts.names(DatasetLayout.Role.TRAINING);
    if (!DatasetLayouts.names().contains(name)) {
      throw new IllegalArgumentException("--layout must be one of " + String.join(", ", training)
          + " for prepare, found " + name);
    }
    DatasetLayout l = DatasetLayouts.get(name);
    if (l.role() != DatasetLayout.Role.TRAINING) {
      throw new IllegalArgumentException("--layout " + name + " is a " + l.role().id() + ", not a"
          + " training source, so prepare does not convert it: evaluate --benchmark DIR (and training's"
          + " data.benchmark) read the " + name + " layout directly. prepare takes "
          + String.join(", ", training));
    }
    return l;
  }

  /**
   * Reads the chunk's frames and writes its shard. A sample whose frames are bad input (damaged,
   * not an image, of another size) is, under skip, left out and returned for the report (a chunk
   * with none left writes no shard); under fail, the task stops and returns it as its failure,
   * writing no shard. Any other error (a frame file that cannot be read) fails the task.
   */
  private static ShardOutcome writeShard(Configuration conf, String dir, int index,
      List<ClipRecord> records, String source, boolean skip) throws IOException {
    List<Sample> samples = new ArrayList<>(records.size());
    List<BadSample> bad = new ArrayList<>();
    for (ClipRecord r : records) {
      String key = BadSample.metaKey(r.video(), r.expId());
      try {
        samples.add(FrameFiles.toSample(conf, r));
      } catch (DatasetFormatException e) {
        BadSample b = BadSample.of(source, r.video(), r.expId(), key, e);
        if (!skip) {
          return new ShardOutcome(null, List.of(), b);
        }
        LOG.warn("skipping bad sample {} ({}): {}", key, source, e.getMessage());
        bad.add(b);
      } catch (IOException e) {
        throw new IOException("sample " + key + " of " + source + ": " + e.getMessage(), e);
      }
    }
    ShardInfo info = samples.isEmpty() ? null
        : ShardWriter.writeShard(conf, new Path(dir), index, samples.iterator());
    return new ShardOutcome(info, bad, null);
  }
}
