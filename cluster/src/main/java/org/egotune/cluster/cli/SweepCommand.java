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

  @Option(names = "--vary", paramLabel = "SOURCE=S[,S...]",
      description = "Vary the share of any source of data.mix, e.g. visor-nvos=0,0.1,0.2,0.4; the others keep"
          + " their proportions. Same as --ego-source SOURCE --shares S,...; not with either.")
  String vary;

  @Option(names = "--concurrency", defaultValue = "1", description = "Points trained at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Sweep directory (re-running resumes it).")
  Path out;

  @Option(names = "--exo-holdout", paramLabel = "DIR", description = "A Ref-YouTube-VOS-layout hold-out to score every point on.")
  Path exoHoldout;

  @Override
  public Integer call() throws Exception {
    JobConfig base = job.load(Map.of());
    if (vary != null) {
      if (shares != null || !"egomask-train".equals(egoSource)) {
        throw new IllegalArgumentException("sweep: --vary names the source and its shares; give it without"
            + " --shares and --ego-source");
      }
      Vary v = Vary.parse(vary);
      egoSource = v.source();
      shares = v.shares();
    }
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

  /** {@code --vary SOURCE=S[,S...]}: the source whose share a sweep varies, and its shares. */
  record Vary(String source, List<Double> shares) {
    static Vary parse(String s) {
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        throw new IllegalArgumentException("sweep --vary: expected SOURCE=S[,S...], e.g. visor-nvos=0,0.1,0.2,"
            + " found '" + s + "'");
      }
      List<Double> out = new ArrayList<>();
      for (String t : s.substring(eq + 1).split(",")) {
        try {
          out.add(Double.valueOf(t.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("sweep --vary " + s + ": share '" + t + "' is not a number", e);
        }
      }
      return new Vary(s.substring(0, eq).trim(), out);
    }
  }
}
