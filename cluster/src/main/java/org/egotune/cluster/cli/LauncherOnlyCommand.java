package org.egotune.cluster.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A command listed in {@code egotune --help} that only bin/egotune can run (it needs what the
 * application jar does not carry); run from the jar, it says where to run it and exits with 2.
 */
abstract class LauncherOnlyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Unmatched
  List<String> args;

  /** The one line that says where the command runs. */
  abstract String whereItRuns();

  @Override
  public final Integer call() {
    spec.commandLine().getErr().println(whereItRuns());
    return 2;
  }
}
