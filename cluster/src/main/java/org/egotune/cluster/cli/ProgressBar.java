package org.egotune.cluster.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.egotune.trainer.run.TrainingProgress;

/**
 * A one-line progress bar for an interactive terminal: redrawn in place after every round with
 * step, samples/s, loss and ETA; a validated round also leaves a line of its metrics above it.
 */
final class ProgressBar implements TrainingProgress {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private int lastLength;

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  /** The bar on a terminal a person watches, log lines otherwise (a pipe, a file, CI). */
  static TrainingProgress choose(boolean hasConsole, Map<String, String> env, PrintStream out) {
    boolean ci = env.get("CI") != null && !env.get("CI").isBlank();
    return hasConsole && !ci ? new ProgressBar(out) : TrainingProgress.log();
  }

  @Override
  public synchronized void round(Round r) {
    if (!r.validation().isEmpty()) {
      clear();
      out.println(TrainingProgress.line(r));
    }
    String line = render(r);
    // Pad with spaces over the rest of a longer previous line.
    out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
    lastLength = line.length();
    if (r.step() >= r.totalSteps()) {
      // The run is done: end the line before the final checkpoint's log lines.
      finish();
    }
    out.flush();
  }

  @Override
  public synchronized void finish() {
    if (lastLength > 0) {
      out.println();
      lastLength = 0;
    }
  }

  private void clear() {
    if (lastLength > 0) {
      out.print('\r' + " ".repeat(lastLength) + '\r');
    }
  }

  static String render(Round r) {
    double done = r.totalSteps() == 0 ? 1 : (double) r.step() / r.totalSteps();
    int filled = (int) Math.round(done * WIDTH);
    return String.format(Locale.ROOT, "[%s%s] %3d%%  step %d/%d  %.1f samples/s  loss %.4f  ETA %s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(done * 100), r.step(),
        r.totalSteps(), r.samplesPerSec(), r.loss(), TrainingProgress.duration(r.etaSeconds()));
  }
}
