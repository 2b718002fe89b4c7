package org.egotune.cluster.cli;

import org.egotune.trainer.run.TrainingRun;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.cluster.train.DistributedTrainer;
import org.egotune.trainer.run.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code egotune train}: distributed training with parameter averaging on Spark. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train on prepared shards with synchronous parameter averaging on Spark"
        + " (or, with --master none, every worker in this JVM without Spark).")
final class TrainCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Option(names = "--resume", description = "Continue from the latest complete checkpoint in checkpoint.dir.")
  boolean resume;

  @Option(names = "--print-config", description = "Print the resolved config and exit.")
  boolean printConfig;

  /**
   * The line a finished run prints: what this invocation trained (after --resume, only the steps it
   * took), then where the whole run stands.
   */
  static String summary(TrainingRun.Outcome o) {
    List<Double> l = o.roundLosses();
    String resumed = o.firstStep() == 0 ? ""
        : String.format(java.util.Locale.ROOT, " (resumed at step %d; the run is at step %d, %d samples)",
            o.firstStep(), o.steps(), o.samplesSeen());
    return String.format(java.util.Locale.ROOT,
        "trained %d steps (%d samples) in %.1f s%s; loss %.4f -> %.4f; mix over the run %s; checkpoint %s",
        o.stepsThisInvocation(), o.samplesThisInvocation(), o.seconds(), resumed,
        l.isEmpty() ? Double.NaN : l.get(0), l.isEmpty() ? Double.NaN : l.get(l.size() - 1),
        o.realisedCounts(), o.lastCheckpoint());
  }

  @Override
  public Integer call() {
    JobConfig cfg = job.load(Map.of());
    if (printConfig) {
      System.out.print(ConfigLoader.toYaml(cfg));
      return 0;
    }
    // spark.master none: every worker in this JVM, no Spark session at all.
    SparkSession spark = DistributedTrainer.noSpark(cfg.spark().master()) ? null
        : SparkRuntime.session("egotune-train", cfg.spark().master());
    Configuration conf = spark == null ? new Configuration() : spark.sparkContext().hadoopConfiguration();
    try {
      // A bar for a person at a terminal; log lines for pipes, files and CI.
      TrainingProgress progress =
          ProgressBar.choose(System.console() != null, System.getenv(), System.err);
      TrainingRun.Outcome o = new DistributedTrainer(cfg, conf)
          .run(spark, resume, progress);
      System.out.println(summary(o));
      return 0;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }
}
