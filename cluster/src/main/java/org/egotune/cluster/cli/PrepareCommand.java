package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune prepare}: converts a native layout into Parquet shards with a Spark job. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Convert a dataset in its native layout into self-contained Parquet shards (a Spark job).")
final class PrepareCommand implements Callable<Integer> {
  @Option(names = "--layout", required = true, description = "egomask-train, mevis, ref-youtube-vos or ref-davis.")
  String layout;

  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Dataset root in that layout.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Shards root (any Hadoop URI); writes OUT/<source>/.")
  String out;

  @Option(names = "--source", description = "Dataset name in the mixture (default: the layout id).")
  String source;

  @Option(names = "--samples-per-shard", defaultValue = "64", description = "Samples per shard (default ${DEFAULT-VALUE}).")
  int samplesPerShard;

  @Option(names = "--overwrite", description = "Replace a complete dataset already there.")
  boolean overwrite;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default ${DEFAULT-VALUE}).")
  String master;

  @Override
  public Integer call() {
    SparkSession spark = SparkRuntime.session("egotune-prepare", master);
    try {
      PrepareJob.Result r = PrepareJob.run(spark, layout, input, out, source, samplesPerShard, overwrite);
      System.out.printf("prepared %s: %d samples in %d shards -> %s%n", r.source(), r.samples(), r.shards(), r.dir());
      return 0;
    } finally {
      spark.stop();
    }
  }
}
