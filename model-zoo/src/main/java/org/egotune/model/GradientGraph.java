package org.egotune.model;

import java.io.OutputStream;
import java.io.PrintStream;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Builds a SameDiff graph's gradient function without its console noise: ND4J 1.0.0-M2.1 prints
 * "Added differentiated op ..." with {@code System.out} for every op (no logger to silence), so the
 * build runs once with {@code System.out} pointed at nothing; the swap is brief and serialised
 * across callers in this JVM.
 */
public final class GradientGraph {
  private static final Object STDOUT_LOCK = new Object();

  private GradientGraph() {}

  /** {@code sd.createGradFunction()} with SameDiff's per-op prints discarded. */
  public static void createQuietly(SameDiff sd) {
    synchronized (STDOUT_LOCK) {
      PrintStream out = System.out;
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      try {
        sd.createGradFunction();
      } finally {
        System.setOut(out);
      }
    }
  }
}
