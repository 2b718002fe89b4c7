package org.egotune.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark home written by {@code bin/egotune spark-home}, as docs/cluster.md tells a user to make
 * one, and the processes the cluster ITs start from its {@code bin/} wrappers (all killed by
 * {@link #close()}, whatever happened).
 */
final class LocalSparkHome implements AutoCloseable {
  final Path home;
  private final List<Process> processes = new ArrayList<>();

  private LocalSparkHome(Path home) {
    this.home = home;
  }

  /** Runs {@code bin/egotune spark-home dir} (plus {@code --link} if asked) and checks what it wrote. */
  static LocalSparkHome write(Path dir, boolean link) throws Exception {
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of("..", "bin", "egotune").toAbsolutePath().toString(),
        "spark-home", dir.toString()));
    if (link) {
      cmd.add("--link");
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "spark-home did not finish in 180 s:\n" + tail(log));
    assertEquals(0, p.exitValue(), "spark-home failed:\n" + tail(log));
    for (String f : List.of("conf/log4j2.xml", "conf/spark-env.sh", "bin/start-master", "bin/start-worker",
        "bin/submit", "bin/spark-java")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), "spark-home must write " + f);
    }
    return new LocalSparkHome(dir);
  }

  /** The wrapper {@code bin/<name>}. */
  String bin(String name) {
    return home.resolve("bin").resolve(name).toString();
  }

  /** The application jar that spark-home put in {@code app/}. */
  Path appJar() throws IOException {
    try (Stream<Path> s = Files.list(home.resolve("app"))) {
      return s.filter(p -> p.getFileName().toString().matches("egotune-cluster-.*-app\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("spark-home wrote no application jar in " + home.resolve("app")));
    }
  }

  /**
   * Starts {@code args} (a wrapper and its arguments) with output to {@code log}. The environment is
   * this JVM's plus {@code env}, bound to the loopback address, as the walk-through sets it.
   */
  Process start(Path log, List<String> args, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> e = pb.environment();
    e.put("SPARK_LOCAL_IP", "127.0.0.1");
    e.remove("SPARK_HOME");
    e.remove("SPARK_CONF_DIR");
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Waits for {@code p} to exit with 0, failing with the log's tail otherwise. */
  static void awaitSuccess(Process p, Path log, long seconds) throws Exception {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      fail("did not finish in " + seconds + " s:\n" + tail(log));
    }
    assertEquals(0, p.exitValue(), "failed:\n" + tail(log));
  }

  static void awaitLog(Path log, String text, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    fail("'" + text + "' did not appear in " + log + " within " + seconds + " s:\n" + tail(log));
  }

  /** Kills every process started here and everything they started (a Worker's executors). */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(Path log) {
    if (!Files.exists(log)) {
      return "(no " + log + ")";
    }
    String s = read(log);
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }
}
