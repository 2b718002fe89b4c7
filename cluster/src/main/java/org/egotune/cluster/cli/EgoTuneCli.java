package org.egotune.cluster.cli;

import org.egotune.trainer.run.Version;
import org.egotune.mixer.reader.DatasetFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code egotune} command line: the main class of the application jar (for spark-submit) and of
 * bin/egotune. Errors in user input (bad flags or config, a dataset that does not match its layout, a
 * corrupt checkpoint) end with a one-line message naming the file, key or flag and exit code 2;
 * failures while running (I/O, a full disk) exit with 1.
 *
 * <p>{@code bench} is listed here but lives in the bench module: bin/egotune runs {@code egotune
 * bench ...} with that module's {@code org.egotune.bench.BenchCli}, which puts the real command in
 * place of {@code BenchPlaceholder} (see {@link #commandLine()}).
 */
@Command(
    name = "egotune",
    mixinStandardHelpOptions = true,
    versionProvider = EgoTuneCli.VersionProvider.class,
    description = "Fine-tune VideoLLM mask decoders on an exact ego/exo mixture, on Spark.",
    subcommands = {
      QuickstartCommand.class,
      GenerateCommand.class,
      PrepareCommand.class,
      AuditCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      ExportCommand.class,
      ModelsCommand.class,
      GenerateFeaturesCommand.class,
      SweepCommand.class,
      BenchPlaceholder.class,
      SparkHomePlaceholder.class
    })
public final class EgoTuneCli implements Runnable {

  public static void main(String[] args) {
    org.egotune.model.Backend.configure();
    finish(execute(args), System.getProperty("spark.yarn.app.id"), System::exit);
  }

  /**
   * Ends the process with {@code code}, except inside a YARN application master (cluster deploy
   * mode, where Spark's ApplicationMaster sets {@code spark.yarn.app.id} for the driver): there the
   * master reports the application's final status when main returns, and a System.exit before it
   * would make YARN record FAILED even for 0. A failure is thrown instead, so that YARN's
   * diagnostics carry it.
   */
  static void finish(int code, String yarnAppId, java.util.function.IntConsumer exit) {
    if (yarnAppId == null) {
      exit.accept(code);
    } else if (code != 0) {
      throw new IllegalStateException("egotune failed with exit code " + code + " in YARN application "
          + yarnAppId + " (the error is in the driver's log above)");
    }
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command line, ready to run, with the error handling above (messages, exit codes). Another
   * module may replace a subcommand before running it, as the bench module does with {@code bench}.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new EgoTuneCli());
    cl.setResourceBundle(new ConfigHelp()); // defaults in the help come from the config schema
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable root = ex;
      boolean userError = false;
      while (root != null) {
        if (root instanceof IllegalArgumentException || root instanceof IllegalStateException
            || root instanceof java.io.IOException) {
          userError |= root instanceof IllegalArgumentException || root instanceof IllegalStateException
              || root instanceof DatasetFormatException;
          break;
        }
        root = root.getCause();
      }
      String msg = root != null ? root.getMessage() : String.valueOf(ex);
      // One line: a message relayed from a Spark task can carry the task's stack trace after it.
      msg = msg == null ? String.valueOf(root) : msg.lines().findFirst().orElse("");
      cmd.getErr().println("egotune " + cmd.getCommandName() + ": error: " + msg);
      if (Boolean.getBoolean("egotune.debug")) {
        ex.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("(run with -Degotune.debug=true, or EGOTUNE_DEBUG=1 with bin/egotune, for the stack trace)");
      }
      return userError ? 2 : 1;
    });
    return cl;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Supplies {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"egotune " + Version.get() + " (commit " + Version.commit() + ")"};
    }
  }
}
