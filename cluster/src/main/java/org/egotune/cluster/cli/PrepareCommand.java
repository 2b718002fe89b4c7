package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.reader.BadSamplePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune prepare}: converts a native layout into Parquet shards with a Spark job. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Convert a dataset in its native layout into self-contained Parquet shards (a Spark job).")
final class PrepareCommand implements Callable<Integer> {
  @Option(names = "--layout", required = true, completionCandidates = LayoutNames.Training.class,
      description = "Training layout: ${COMPLETION-CANDIDATES} (egomask-bench is read by evaluate --benchmark, not prepared).")
  String layout;

  @Option(names = "--split", paramLabel = "NAME",
      description = "Split of the layout to read, e.g. train, valid_u, valid (default: the layout's training split; see docs/data.md).")
  String split;

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

  @Option(names = "--on-bad-sample", paramLabel = "fail|skip",
      description = "A sample that cannot be used: fail (stop, naming file, key and what was expected) or skip"
          + " (leave it out, list it in OUT/<source>/bad-samples.jsonl) (${bundle:data.onBadSample}).")
  String onBadSample;

  @Option(names = "--config", paramLabel = "FILE", description = "Job config (YAML or JSON) whose data.onBadSample applies; the flag wins.")
  Path config;

  @Override
  public Integer call() {
    Map<String, Object> o = new HashMap<>();
    o.put("data.onBadSample", onBadSample);
    BadSamplePolicy policy = ConfigLoader.load(config, o).data().badSamplePolicy();
    SparkSession spark = SparkRuntime.session("egotune-prepare", master);
    try {
      PrepareJob.Result r = PrepareJob.run(spark,
          new PrepareJob.Request(layout, input, out, source, split, samplesPerShard, overwrite, policy));
      System.out.printf("prepared %s: %d samples in %d shards -> %s%n", r.source(), r.samples(), r.shards(), r.dir());
      if (r.skipped().bad() + r.skipped().allNull() > 0) {
        System.out.printf("left out: %d bad sample(s) (--on-bad-sample=%s), %d expression(s) null in every frame;"
            + " listed in %s/%s%n", r.skipped().bad(), policy.id(), r.skipped().allNull(), r.dir(), r.skipped().report());
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
