package org.egotune.bench;

import org.egotune.cluster.cli.EgoTuneCli;
import org.egotune.model.Backend;
import picocli.CommandLine;

/**
 * The main class bin/egotune runs for {@code egotune bench ...}: the egotune command line (same
 * usage, messages and exit codes) with the real {@code bench} command in place of the cluster jar's
 * placeholder. Takes the whole command line, {@code bench} included.
 */
public final class BenchCli {
  private BenchCli() {}

  public static void main(String[] args) {
    Backend.configure();
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cl = EgoTuneCli.commandLine();
    cl.getCommandSpec().removeSubcommand("bench");
    cl.addSubcommand(new BenchCommand());
    return cl.execute(args);
  }
}
