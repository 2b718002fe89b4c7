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
import org.egotune.mixer.reader.EgoMaskTrainReader;
import org.egotune.mixer.reader.MevisReader;
import org.egotune.mixer.reader.RefYoutubeVosReader;
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
 * The {@code prepare} Spark job: reads a dataset in its native layout on the driver (annotations
 * only), then Spark tasks read the frames and write self-contained Parquet shards, one task per
 * shard, and the driver writes the manifest last, which marks the dataset complete.
 */
public final class PrepareJob {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);

  /** Layouts {@code prepare} converts into training shards. */
  public static final List<String> LAYOUTS = List.of("egomask-train", "ref-youtube-vos", "ref-davis", "mevis");

  /**
   * What was written.
   *
   * @param skipped samples left out for a problem (under {@code skip}) and all-null expressions,
   *     as the manifest records them; the entries are in {@code dir/bad-samples.jsonl}
   */
  public record Result(String source, Path dir, long samples, int shards, SkippedSamples skipped) {}

  private PrepareJob() {}

  /**
   * Converts {@code input} (layout {@code layout}) into shards under {@code out/<source>}.
   *
   * @param source dataset name in the mixture (defaults to the layout id when null)
   * @param samplesPerShard target number of samples per shard
   */
  public static Result run(SparkSession spark, String layout, java.nio.file.Path input, String out,
      String source, int samplesPerShard, boolean overwrite) {
    return run(spark, layout, input, out, source, samplesPerShard, overwrite, BadSamplePolicy.FAIL);
  }

  /**
   * As {@link #run(SparkSession, String, java.nio.file.Path, String, String, int, boolean)}, with
   * what to do with a sample that cannot be used: under {@link BadSamplePolicy#FAIL} the first one
   * ends the job with an error naming the file, key and expectation (before anything is written
   * when the annotations show it, else from the task that reads the frame); under
   * {@link BadSamplePolicy#SKIP} it is left out, logged, counted in the manifest and listed in
   * {@code bad-samples.jsonl}, which is written (crash-safely) before the manifest.
   */
  public static Result run(SparkSession spark, String layout, java.nio.file.Path input, String out,
      String source, int samplesPerShard, boolean overwrite, BadSamplePolicy policy) {
    if (samplesPerShard < 1) {
      throw new IllegalArgumentException("samplesPerShard must be >= 1, found " + samplesPerShard);
    }
    String name = source == null || source.isBlank() ? layout : source;
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path dir = new Path(out, name);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(new Path(dir, DatasetManifest.FILE_NAME)) && !overwrite) {
        throw new IllegalStateException(dir + " already holds a complete dataset (manifest.json);"
            + " pass --overwrite to replace it");
      }
      BadSamples bad = new BadSamples(policy, name);
      List<ClipRecord> records = read(layout, input, name, bad);
      if (records.isEmpty()) {
        throw new IllegalStateException(input + ": layout " + layout + " holds no usable expression"
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
      LOG.info("prepare {}: {} expressions from {} -> {} shards in {}", name, records.size(), input,
          chunks.size(), dir);
      String dirUri = dir.toString();
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Broadcast<HadoopConfEntries> hc = jsc.broadcast(HadoopConfEntries.of(conf));
      boolean skip = policy == BadSamplePolicy.SKIP;
      List<Tuple2<ShardInfo, List<BadSample>>> written = jsc.parallelize(chunks, chunks.size())
          .map(c -> writeShard(hc.value().toConfiguration(), dirUri, c._1(), c._2(), name, skip))
          .collect();
      List<ShardInfo> infos = new ArrayList<>();
      List<BadSample> report = new ArrayList<>(bad.entries());
      long badCount = bad.badCount();
      for (Tuple2<ShardInfo, List<BadSample>> w : written) {
        if (w._1() != null) {
          infos.add(w._1());
        }
        report.addAll(w._2());
        badCount += w._2().size();
      }
      infos.sort(Comparator.comparing(ShardInfo::file));
      if (infos.isEmpty()) {
        throw new IllegalStateException(input + ": every sample of layout " + layout
            + " was left out (" + badCount + " bad); see the log");
      }
      SkippedSamples skipped =
          new SkippedSamples(policy.id(), badCount, bad.allNullCount(), SkippedSamples.REPORT_FILE);
      SkipReport.write(conf, dir, report);
      DatasetManifest manifest = DatasetManifest.of(name, infos, skipped);
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

  /**
   * Reads the chunk's frames and writes its shard. Under skip, a sample whose frames cannot be read
   * or are not images of the record's size is left out and returned for the report (a chunk with
   * none left writes no shard: the result's info is null); otherwise the error ends the task.
   */
  private static Tuple2<ShardInfo, List<BadSample>> writeShard(Configuration conf, String dir,
      int index, List<ClipRecord> records, String source, boolean skip) throws IOException {
    List<Sample> samples = new ArrayList<>(records.size());
    List<BadSample> bad = new ArrayList<>();
    for (ClipRecord r : records) {
      try {
        samples.add(FrameFiles.toSample(conf, r));
      } catch (IOException e) {
        if (!skip) {
          String msg = "sample " + BadSample.metaKey(r.video(), r.expId()) + " of " + source + ": "
              + e.getMessage();
          // Keep the kind: a damaged frame is the input's fault (exit code 2), a failed read is not.
          throw e instanceof org.egotune.mixer.reader.DatasetFormatException
              ? new org.egotune.mixer.reader.DatasetFormatException(msg, e) : new IOException(msg, e);
        }
        LOG.warn("skipping bad sample {} ({}): {}", BadSample.metaKey(r.video(), r.expId()), source,
            e.getMessage());
        bad.add(BadSample.of(source, r.video(), r.expId(), BadSample.metaKey(r.video(), r.expId()), e));
      }
    }
    ShardInfo info = samples.isEmpty() ? null
        : ShardWriter.writeShard(conf, new Path(dir), index, samples.iterator());
    return new Tuple2<>(info, bad);
  }

  static List<ClipRecord> read(String layout, java.nio.file.Path input, String name, BadSamples bad)
      throws IOException {
    return switch (layout) {
      case "egomask-train" -> EgoMaskTrainReader.readWithStats(input, bad).records();
      case "ref-youtube-vos", "ref-davis" -> RefYoutubeVosReader.read(input, name, bad);
      case "mevis" -> MevisReader.readWithStats(input, bad).records();
      default -> throw new IllegalArgumentException(
          "--layout must be one of " + LAYOUTS + " for prepare, found " + layout);
    };
  }
}
