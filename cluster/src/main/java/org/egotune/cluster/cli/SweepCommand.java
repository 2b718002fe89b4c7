package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.cluster.sweep.PointResult;
import org.egotune.cluster.sweep.SweepConfig;
import org.egotune.cluster.sweep.SweepReport;
import org.egotune.cluster.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code egotune sweep}: one training per ego share, then a table and a plot. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Ratio ablation: train once per ego share (and seed), score each, write table.md, table.csv and plot.png.")
final class SweepCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Option(names = "--shares", split = ",", paramLabel = "S[,S...]",
      description = "Ego shares (default 0,0.2,0.4,0.6,0.8,1.0).")
  List<Double> shares;

  @Option(names = "--seeds", split = ",", paramLabel = "N[,N...]", description = "Training seeds per share (default: train.seed).")
  List<Long> seeds;

  @Option(names = "--ego-source", defaultValue = "egomask-train", description = "The egocentric source in data.mix (default ${DEFAULT-VALUE}).")
  String egoSource;

  @Option(names = "--concurrency", defaultValue = "1", description = "Points trained at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Sweep directory (re-running resumes it).")
  Path out;

  @Option(names = "--exo-holdout", paramLabel = "DIR", description = "A Ref-YouTube-VOS-layout hold-out to score every point on.")
  Path exoHoldout;

  @Override
  public Integer call() throws Exception {
    JobConfig base = job.load(Map.of());
    SweepConfig sweep = new SweepConfig(shares == null ? SweepConfig.DEFAULT_SHARES : shares,
        seeds == null ? List.of(base.train().seed()) : new ArrayList<>(seeds), egoSource, concurrency,
        out.toString(), exoHoldout == null ? "" : exoHoldout.toString());
    SparkSession spark = SparkRuntime.session("egotune-sweep", base.spark().master());
    try {
      List<PointResult> points = SweepRunner.run(spark, base, sweep);
      SweepReport.write(points, egoSource, out);
      System.out.print(java.nio.file.Files.readString(out.resolve("table.md")));
      System.out.println("table: " + out.resolve("table.md").toAbsolutePath() + " (and table.csv)");
      System.out.println("plot:  " + out.resolve("plot.png").toAbsolutePath());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
