package org.egotune.cluster.cli;

import picocli.CommandLine.Command;

/**
 * {@code bench} in {@code egotune --help}: the benchmarks are not in this jar but in the bench
 * module's, whose {@code org.egotune.bench.BenchCli} replaces this command with the real one. Run
 * from this jar (spark-submit, java -cp), it says so and exits with 2.
 */
@Command(name = "bench", // the description is the real command's: egotune --help reads the same
    description = "Benchmarks: step, data, trainer, round, decoder (docs/benchmarks.md).")
final class BenchPlaceholder extends LauncherOnlyCommand {
  @Override
  String whereItRuns() {
    return "egotune bench: the benchmarks are in the bench module, not in"
        + " this jar: run bin/egotune bench ... (it starts org.egotune.bench.BenchCli from"
        + " bench/target/egotune-bench-<version>.jar; docs/benchmarks.md)";
  }
}
