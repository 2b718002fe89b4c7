package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.egotune.cluster.quickstart.Quickstart;
import org.egotune.trainer.metrics.MetricTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune quickstart}: the whole path on generated data, in a few minutes. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Generate data, prepare shards, train on Spark (80/20 ego/exo), evaluate and export.")
final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "egotune-quickstart", paramLabel = "DIR",
      description = "Output directory, must be absent or empty (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--master", description = "Spark master (${bundle:spark.master}).")
  String master;

  @Option(names = "--steps", description = "Optimizer steps per worker (${bundle:train.steps}).")
  Integer steps;

  @Option(names = "--seed", description = "Seed of data and training (${bundle:train.seed}).")
  Long seed;

  @Option(names = "--overwrite", description = "Replace the output of an earlier quickstart in --out.")
  boolean overwrite;

  @Override
  public Integer call() throws java.io.IOException {
    if (overwrite) {
      Quickstart.deleteOutput(out);
    }
    Quickstart.Options d = Quickstart.Options.defaults(out);
    Quickstart.Report r = Quickstart.run(new Quickstart.Options(out, master != null ? master : d.master(),
        d.egoVideos(), d.exoVideos(), d.benchVideos(), steps != null ? steps : d.steps(), seed != null ? seed : d.seed()));
    System.out.println();
    System.out.println("EgoMask metrics on the generated benchmark (x100), untrained:");
    System.out.print(MetricTable.toMarkdown(r.untrained()));
    System.out.println();
    System.out.println("after training:");
    System.out.print(MetricTable.toMarkdown(r.trained()));
    System.out.println();
    long total = r.realisedCounts().values().stream().mapToLong(Long::longValue).sum();
    StringBuilder shares = new StringBuilder();
    for (Map.Entry<String, Long> e : r.realisedCounts().entrySet()) {
      shares.append(String.format("%s %d (%.1f%%)  ", e.getKey(), e.getValue(), 100.0 * e.getValue() / total));
    }
    System.out.printf("training loss %.4f -> %.4f over %d samples in %.0f s; mix: %s%n",
        r.firstLoss(), r.lastLoss(), r.samplesSeen(), r.trainSeconds(), shares.toString().trim());
    System.out.println("checkpoint: " + r.checkpoint());
    System.out.println("export:     " + r.export() + " (model.fb, model.safetensors, card.json)");
    return 0;
  }
}
