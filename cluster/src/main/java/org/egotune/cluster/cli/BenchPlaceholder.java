package org.egotune.cluster.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench} in {@code egotune --help}: the benchmarks are not in this jar but in the bench
 * module's, whose {@code org.egotune.bench.BenchCli} replaces this command with the real one. Run
 * from this jar (spark-submit, java -cp), it says so and exits with 2.
 */
@Command(name = "bench", // the description is the real command's: egotune --help reads the same
    description = "Benchmarks: step, data, trainer, round, decoder (docs/benchmarks.md).")
final class BenchPlaceholder implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Unmatched
  List<String> args;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("egotune bench: the benchmarks are in the bench module, not in"
        + " this jar: run bin/egotune bench ... (it starts org.egotune.bench.BenchCli from"
        + " bench/target/egotune-bench-<version>.jar; docs/benchmarks.md)");
    return 2;
  }
}
