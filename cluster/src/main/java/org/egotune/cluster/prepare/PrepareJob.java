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
import org.egotune.mixer.reader.EgoMaskTrainReader;
import org.egotune.mixer.reader.MevisReader;
import org.egotune.mixer.reader.RefYoutubeVosReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.mixer.shard.ShardInfo;
import org.egotune.mixer.shard.ShardWriter;
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

  /** What was written. */
  public record Result(String source, Path dir, long samples, int shards) {}

  private PrepareJob() {}

  /**
   * Converts {@code input} (layout {@code layout}) into shards under {@code out/<source>}.
   *
   * @param source dataset name in the mixture (defaults to the layout id when null)
   * @param samplesPerShard target number of samples per shard
   */
  public static Result run(SparkSession spark, String layout, java.nio.file.Path input, String out,
      String source, int samplesPerShard, boolean overwrite) {
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
      List<ClipRecord> records = read(layout, input, name);
      if (records.isEmpty()) {
        throw new IllegalStateException(input + ": layout " + layout + " holds no usable expression");
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
      List<ShardInfo> infos = new ArrayList<>(jsc.parallelize(chunks, chunks.size())
          .map(c -> writeShard(hc.value().toConfiguration(), dirUri, c._1(), c._2()))
          .collect());
      infos.sort(Comparator.comparing(ShardInfo::file));
      DatasetManifest manifest = DatasetManifest.of(name, infos);
      DatasetManifest.write(conf, dir, manifest, overwrite);
      LOG.info("prepare {}: wrote {} samples in {} shards", name, manifest.totalSamples(), infos.size());
      return new Result(name, dir, manifest.totalSamples(), infos.size());
    } catch (IOException e) {
      throw new UncheckedIOException("prepare " + name + " into " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private static ShardInfo writeShard(Configuration conf, String dir, int index, List<ClipRecord> records)
      throws IOException {
    List<Sample> samples = new ArrayList<>(records.size());
    for (ClipRecord r : records) {
      samples.add(FrameFiles.toSample(conf, r));
    }
    return ShardWriter.writeShard(conf, new Path(dir), index, samples.iterator());
  }

  static List<ClipRecord> read(String layout, java.nio.file.Path input, String name) throws IOException {
    return switch (layout) {
      case "egomask-train" -> EgoMaskTrainReader.read(input);
      case "ref-youtube-vos", "ref-davis" -> RefYoutubeVosReader.read(input, name);
      case "mevis" -> MevisReader.read(input);
      default -> throw new IllegalArgumentException(
          "--layout must be one of " + LAYOUTS + " for prepare, found " + layout);
    };
  }
}
