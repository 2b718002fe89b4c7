package org.egotune.bench;

import org.egotune.trainer.run.RoundTimes;
import org.egotune.trainer.run.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.config.SparkConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.cluster.train.DistributedTrainer;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code egotune bench round}: the share of a training round spent outside training, at the default
 * job config (model, batch, k, workers, checkpoint cadence) on generated data. Each repeat trains
 * the same job once with one worker per task (the flat reduction) and once with all workers in one
 * task (the two-level reduction on one node), alternately, so the two are compared under the same
 * machine load. A run's first round (which builds the workers' networks) is left out.
 */
public final class RoundBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(RoundBenchmark.class);

  /**
   * What to run.
   *
   * @param work directory for the generated data, shards and checkpoints (created)
   * @param master Spark master
   * @param rounds rounds per run (at least 2; the first is left out)
   * @param repeats runs of each variant
   */
  public record Options(Path work, String master, int rounds, int repeats) {
    public Options {
      if (work == null) {
        throw new IllegalArgumentException("bench round: the work directory must be set");
      }
      if (rounds < 2) {
        throw new IllegalArgumentException("bench round: --rounds must be >= 2, found " + rounds);
      }
      if (repeats < 1) {
        throw new IllegalArgumentException("bench round: --repeats must be >= 1, found " + repeats);
      }
    }
  }

  /**
   * One run's measurements over its rounds 2..n.
   *
   * @param workersPerTask the variant
   * @param overheadShare {@code 1 - sum(compute) / sum(total)}, checkpoints included
   * @param samplesPerSec samples trained per second of round time
   * @param mean the mean time split of a round
   */
  public record Run(int workersPerTask, double overheadShare, double samplesPerSec, RoundTimes mean) {}

  /** All runs, in the order they ran, and the job they ran. */
  public record Result(JobConfig job, List<Run> runs) {
    /** The runs of one variant. */
    public List<Run> of(int workersPerTask) {
      return runs.stream().filter(r -> r.workersPerTask() == workersPerTask).toList();
    }
  }

  private RoundBenchmark() {}

  public static Result run(Options o) throws IOException {
    Files.createDirectories(o.work());
    SparkSession spark = SparkRuntime.session("egotune-bench-round", o.master());
    try {
      Path shards = o.work().resolve("shards");
      JobConfig defaults = JobConfig.defaults();
      if (!Files.exists(shards)) {
        LOG.info("generating and preparing the benchmark data in {}", o.work());
        Path raw = o.work().resolve("raw");
        SyntheticDatasets.generate(SynthConfig.defaults(Layout.EGOMASK_TRAIN), raw.resolve("ego"));
        SyntheticDatasets.generate(SynthConfig.defaults(Layout.REF_YOUTUBE_VOS), raw.resolve("exo"));
        PrepareJob.run(spark, "egomask-train", raw.resolve("ego"), shards.toString(), null, 16, false);
        PrepareJob.run(spark, "ref-youtube-vos", raw.resolve("exo"), shards.toString(), null, 16, false);
      }
      Map<String, Double> mix = new LinkedHashMap<>();
      mix.put("egomask-train", 0.8);
      mix.put("ref-youtube-vos", 0.2);
      SparkConfig sc = defaults.spark();
      int k = sc.averagingEvery();
      int[] variants = {1, sc.workers()};
      List<Run> runs = new ArrayList<>();
      JobConfig job = null;
      // An untimed warm-up run of each variant first (JIT, native libraries, the OS file cache);
      // then the variants alternate, in swapped order every other repeat.
      for (int r = -1; r < o.repeats(); r++) {
        for (int v = 0; v < variants.length; v++) {
          int perTask = variants[r % 2 == 0 ? v : variants.length - 1 - v];
          job = defaults.toBuilder()
              .set(JobConfig.DATA, DataConfig.builder().set(DataConfig.SHARDS, shards.toString())
                  .set(DataConfig.MIX, mix).build())
              .set(JobConfig.TRAIN, defaults.train().toBuilder().set(TrainConfig.STEPS, o.rounds() * k).build())
              .set(JobConfig.SPARK, sc.toBuilder().set(SparkConfig.MASTER, o.master())
                  .set(SparkConfig.WORKERS_PER_TASK, perTask).build())
              .set(JobConfig.CHECKPOINT, defaults.checkpoint().toBuilder().set(CheckpointConfig.DIR,
                  o.work().resolve("ckpt-" + (r + 1) + "-" + perTask).toString()).build())
              .build();
          if (r < 0) {
            job = job.toBuilder().set(JobConfig.TRAIN, job.train().toBuilder().set(TrainConfig.STEPS, 2 * k).build())
                .build();
          }
          TrainingRun.Outcome out =
              new DistributedTrainer(job, spark.sparkContext().hadoopConfiguration()).run(spark, false);
          if (r < 0) {
            continue;
          }
          List<RoundTimes> timed = out.roundTimes().subList(1, out.roundTimes().size());
          RoundTimes mean = mean(timed);
          long samples = (long) (timed.size()) * k * sc.workers() * job.train().batchSize();
          Run run = new Run(perTask, mean.overheadShare(), samples / (mean.total() * timed.size()), mean);
          LOG.info("repeat {} workersPerTask {}: overhead {}%, {} samples/s | {}", r + 1, perTask,
              String.format("%.2f", 100 * run.overheadShare()), String.format("%.1f", run.samplesPerSec()),
              TrainingRun.split(mean));
          runs.add(run);
        }
      }
      return new Result(job, runs);
    } finally {
      spark.stop();
    }
  }

  static RoundTimes mean(List<RoundTimes> ts) {
    double[] s = new double[7];
    for (RoundTimes t : ts) {
      double[] p = {t.broadcast(), t.compute(), t.reduce(), t.scheduling(), t.update(), t.checkpoint(), t.total()};
      for (int i = 0; i < 7; i++) {
        s[i] += p[i] / ts.size();
      }
    }
    return new RoundTimes(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
  }

  /** {median, min, max} of the values. */
  public static double[] medianMinMax(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new double[] {median, v[0], v[v.length - 1]};
  }
}
