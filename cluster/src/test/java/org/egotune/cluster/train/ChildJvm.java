package org.egotune.cluster.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the test's own classpath, JVM flags (Spark's module flags, ND4J's variant) and
 * OMP_NUM_THREADS=1, with its output in a log file: the fault tests kill it with SIGKILL.
 */
final class ChildJvm {
  private ChildJvm() {}

  static Process start(Path log, Class<?> main, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect") || a.startsWith("-Dorg.bytedeco")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-Dlog4j2.configurationFile=log4j2-test.xml");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** Runs to the end within {@code seconds}; returns the exit code. */
  static int run(Path log, Class<?> main, List<String> args, int seconds) throws Exception {
    Process p = start(log, main, args);
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      kill(p);
      throw new AssertionError(main.getSimpleName() + " did not finish in " + seconds + " s:\n" + tail(log));
    }
    return p.exitValue();
  }

  /** SIGKILL (destroyForcibly on Linux) and wait for the process to be gone. */
  static void kill(Process p) throws InterruptedException {
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("process " + p.pid() + " survived SIGKILL");
    }
  }

  static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
