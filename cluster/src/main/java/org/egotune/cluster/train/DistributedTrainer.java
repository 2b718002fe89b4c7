package org.egotune.cluster.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.JobConfig;
import org.egotune.trainer.run.InProcessSync;
import org.egotune.trainer.run.ParameterSync;
import org.egotune.trainer.run.TrainingProgress;
import org.egotune.trainer.run.TrainingRun;

/**
 * A {@link TrainingRun} whose rounds run on Spark ({@link SparkSync}), or in this JVM when there is
 * no Spark session ({@code spark.master: none}, {@link InProcessSync}). Everything else about the
 * run (data order, resume, checkpoints, validation, the run log) is the trainer's.
 */
public final class DistributedTrainer {
  /** The master that means "no Spark: every worker in this JVM". */
  public static final String NO_SPARK = "none";

  private final JobConfig cfg;
  private final Configuration conf;

  public DistributedTrainer(JobConfig cfg, Configuration conf) {
    this.cfg = cfg;
    this.conf = conf;
  }

  /** Trains to {@code train.steps}, reporting progress as log lines. */
  public TrainingRun.Outcome run(SparkSession spark, boolean resume) {
    return run(spark, resume, TrainingProgress.log());
  }

  /**
   * Trains to {@code train.steps} on {@code spark} (null: in this JVM); with {@code resume},
   * continues from the latest checkpoint.
   */
  public TrainingRun.Outcome run(SparkSession spark, boolean resume, TrainingProgress progress) {
    ParameterSync sync = spark == null ? new InProcessSync() : new SparkSync(spark);
    return new TrainingRun(cfg, conf).run(sync, resume, progress);
  }

  /** Whether {@code master} means training without Spark. */
  public static boolean noSpark(String master) {
    return NO_SPARK.equals(master);
  }
}
