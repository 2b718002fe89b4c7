package org.egotune.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real Spark standalone cluster: a Master and a Worker started from the
 * Maven jars on 127.0.0.1 (a SPARK_HOME made of symlinks, no Spark distribution), the app jar
 * submitted through Spark's own {@code SparkSubmit}, running a short quickstart. The Worker announces
 * two fake GPUs (a discovery script that prints addresses 0 and 1) and the job requests one per task,
 * so Spark's resource scheduling hands each task a GPU address and {@code GpuBinding} runs in the
 * executor on the CPU backend. Every process is killed at the end, whatever happens.
 */
@Tag("slow")
class StandaloneClusterIT {
  static final long SUBMIT_TIMEOUT_S = 300;

  @TempDir Path tmp;
  final List<Process> processes = new ArrayList<>();

  @Test
  void appJarTrainsOnAStandaloneClusterWithGpuScheduling() throws Exception {
    Path appJar = appJar();
    Path home = sparkHome();
    Path gpus = tmp.resolve("fake-gpus.sh");
    Files.writeString(gpus, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    gpus.toFile().setExecutable(true);
    Path workerProps = tmp.resolve("worker.properties");
    Files.writeString(workerProps, "spark.worker.resource.gpu.amount=2\n"
        + "spark.worker.resource.gpu.discoveryScript=" + gpus + "\n");
    int masterPort = freePort();
    String master = "spark://127.0.0.1:" + masterPort;
    Path work = Files.createDirectories(tmp.resolve("work"));
    try {
      Path masterLog = tmp.resolve("master.log");
      start(home, masterLog, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
      awaitLog(masterLog, "I have been elected leader", 90);
      Path workerLog = tmp.resolve("worker.log");
      start(home, workerLog, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "2", "--memory", "4g", "--webui-port", String.valueOf(freePort()),
          "--work-dir", work.toString(), "--properties-file", workerProps.toString(), master));
      awaitLog(workerLog, "Successfully registered with master", 90);

      Path out = tmp.resolve("qs");
      Path submitLog = tmp.resolve("submit.log");
      Process submit = start(home, submitLog, List.of("org.apache.spark.deploy.SparkSubmit",
          "--master", master, "--deploy-mode", "client",
          "--class", "org.egotune.cluster.cli.EgoTuneCli",
          "--executor-memory", "2g", "--total-executor-cores", "2",
          "--conf", "spark.executor.cores=2",
          "--conf", "spark.executor.resource.gpu.amount=2",
          "--conf", "spark.task.resource.gpu.amount=1",
          "--conf", "spark.ui.enabled=false",
          appJar.toString(), "quickstart", "--out", out.toString(), "--steps", "4"));
      if (!submit.waitFor(SUBMIT_TIMEOUT_S, TimeUnit.SECONDS)) {
        fail("spark-submit did not finish in " + SUBMIT_TIMEOUT_S + " s:\n" + tail(submitLog));
      }
      String log = Files.readString(submitLog);
      assertEquals(0, submit.exitValue(), "spark-submit failed:\n" + tail(submitLog));
      assertTrue(log.contains("master=" + master), "the job must run on the standalone master:\n" + tail(submitLog));
      assertTrue(log.contains("checkpoint:"), tail(submitLog));
      assertTrue(Files.isDirectory(out.resolve("export")), "quickstart must export");

      // The executor ran in its own JVM under the Worker, loaded ND4J from the app jar and was given
      // a GPU address by Spark's scheduler (ignored on the CPU backend).
      String executors;
      try (Stream<Path> s = Files.walk(work)) {
        executors = s.filter(p -> p.getFileName().toString().equals("stderr"))
            .map(StandaloneClusterIT::read).reduce("", String::concat);
      }
      assertTrue(executors.contains("ND4J backend in this JVM: CpuBackend (CPU, 0 device(s)); first task's GPU: "),
          "executor log:\n" + executors);
      assertTrue(executors.matches("(?s).*first task's GPU: [01]\\b.*"), "executor log:\n" + executors);
    } finally {
      for (int i = processes.size() - 1; i >= 0; i--) {
        kill(processes.get(i));
      }
    }
  }

  /** A SPARK_HOME: jars/ (symlinks to Spark's and Hadoop's Maven jars) and conf/log4j2.xml. */
  Path sparkHome() throws IOException {
    Path home = tmp.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Path conf = Files.createDirectories(home.resolve("conf"));
    List<String> cp = new ArrayList<>();
    cp.addAll(List.of(Files.readString(Path.of("target", "provided-classpath.txt")).trim().split(File.pathSeparator)));
    // Spark's own dependencies that the build resolved in compile scope (Jackson, commons-*, Parquet,
    // SLF4J...). ND4J, JavaCPP, picocli and EgoTune stay out: they must come from the app jar.
    for (String j : Files.readString(Path.of("target", "runtime-classpath.txt")).trim().split(File.pathSeparator)) {
      if (!(j.contains("/org/nd4j/") || j.contains("/org/bytedeco/") || j.contains("egotune-")
          || j.contains("/info/picocli/"))) {
        cp.add(j);
      }
    }
    for (String j : cp) {
      Path src = Path.of(j);
      Path link = jars.resolve(src.getFileName());
      if (j.endsWith(".jar") && !Files.exists(link)) {
        Files.createSymbolicLink(link, src.toAbsolutePath());
      }
    }
    Files.writeString(conf.resolve("log4j2.xml"), """
        <?xml version="1.0" encoding="UTF-8"?>
        <Configuration status="WARN">
          <Appenders>
            <Console name="console" target="SYSTEM_ERR">
              <PatternLayout pattern="%d{HH:mm:ss} %-5level %c{1} - %msg%n"/>
            </Console>
          </Appenders>
          <Loggers>
            <Logger name="org.egotune" level="INFO"/>
            <Logger name="org.apache.spark.deploy" level="INFO"/>
            <Root level="WARN"><AppenderRef ref="console"/></Root>
          </Loggers>
        </Configuration>
        """);
    return home;
  }

  /** Starts {@code java <Spark's flags> -cp conf:jars/* <args>} with output to {@code log}. */
  Process start(Path home, Path log, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || a.startsWith("-Djdk.reflect")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(home.resolve("conf") + File.pathSeparator + home.resolve("jars") + File.separator + "*");
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OMP_NUM_THREADS", "1");
    env.remove("SPARK_CONF_DIR");
    Process p = pb.start();
    processes.add(p);
    return p;
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

  /** Kills a process and everything it started (the Worker's executors). */
  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Path appJar() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("target"))) {
      return s.filter(p -> p.getFileName().toString().matches("egotune-cluster-.*-app\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException(
              "target/egotune-cluster-<version>-app.jar missing: run `mvn verify` (package builds it)"));
    }
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
