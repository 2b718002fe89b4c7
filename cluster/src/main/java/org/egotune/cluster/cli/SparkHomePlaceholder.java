package org.egotune.cluster.cli;

import picocli.CommandLine.Command;

/**
 * {@code spark-home} in {@code egotune --help}: writing a Spark home copies the build's Maven jars,
 * which only bin/egotune knows (from the classpath files next to the jar), so the launcher does it
 * itself in bash. Run from the application jar, this says so and exits with 2.
 */
@Command(name = "spark-home",
    description = "Write a Spark home (jars/, conf/, bin/ start-master, start-worker, submit) from the"
        + " Maven jars: bin/egotune spark-home DIR [--link] (docs/cluster.md).")
final class SparkHomePlaceholder extends LauncherOnlyCommand {
  @Override
  String whereItRuns() {
    return "egotune spark-home: run it from a checkout as bin/egotune"
        + " spark-home DIR [--link]; it copies the Maven jars of the build, which this jar does not"
        + " carry (docs/cluster.md, \"A Spark home from the Maven jars\")";
  }
}
