package org.egotune.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real Spark standalone cluster: a Master and a Worker started from the
 * Maven jars on 127.0.0.1 (a SPARK_HOME made of symlinks, no Spark distribution), the app jar
 * submitted through Spark's own {@code SparkSubmit}.
 *
 * <ol>
 *   <li>A short quickstart. The Worker announces two fake GPUs (a discovery script that prints
 *       addresses 0 and 1) and the job requests one per task, so Spark's resource scheduling hands
 *       each task a GPU address and {@code GpuBinding} runs in the executor on the CPU backend.
 *   <li>Recovery: training on the quickstart's shards while the executor process is killed
 *       (SIGKILL) in the middle of a round ends with exactly the parameters of an undisturbed run.
 * </ol>
 *
 * Every process is killed at the end, whatever happens.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final long SUBMIT_TIMEOUT_S = 240;

  @TempDir static Path tmp;
  static final List<Process> PROCESSES = new ArrayList<>();
  static Path home;
  static Path appJar;
  static Path work;
  static Process worker;
  static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    appJar = appJar();
    home = sparkHome();
    Path gpus = tmp.resolve("fake-gpus.sh");
    Files.writeString(gpus, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    gpus.toFile().setExecutable(true);
    Path workerProps = tmp.resolve("worker.properties");
    Files.writeString(workerProps, "spark.worker.resource.gpu.amount=2\n"
        + "spark.worker.resource.gpu.discoveryScript=" + gpus + "\n");
    int masterPort = freePort();
    master = "spark://127.0.0.1:" + masterPort;
    work = Files.createDirectories(tmp.resolve("work"));
    try {
      Path masterLog = tmp.resolve("master.log");
      start(masterLog, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(freePort())));
      awaitLog(masterLog, "I have been elected leader", 90);
      Path workerLog = tmp.resolve("worker.log");
      worker = start(workerLog, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "2", "--memory", "4g", "--webui-port", String.valueOf(freePort()),
          "--work-dir", work.toString(), "--properties-file", workerProps.toString(), master));
      awaitLog(workerLog, "Successfully registered with master", 90);
    } catch (Exception | AssertionError e) {
      stopCluster();
      throw e;
    }
  }

  @AfterAll
  static void stopCluster() {
    for (int i = PROCESSES.size() - 1; i >= 0; i--) {
      kill(PROCESSES.get(i));
    }
    PROCESSES.clear();
  }

  /** spark-submit of the app jar (client mode) with {@code conf} and the CLI arguments {@code args}. */
  static Process submit(Path log, List<String> conf, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit",
        "--master", master, "--deploy-mode", "client",
        "--class", "org.egotune.cluster.cli.EgoTuneCli",
        "--executor-memory", "2g", "--total-executor-cores", "2",
        "--conf", "spark.executor.cores=2", "--conf", "spark.ui.enabled=false"));
    for (String c : conf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    cmd.add(appJar.toString());
    cmd.addAll(args);
    return start(log, cmd);
  }

  static void awaitExit(Process p, Path log) throws Exception {
    if (!p.waitFor(SUBMIT_TIMEOUT_S, TimeUnit.SECONDS)) {
      fail("spark-submit did not finish in " + SUBMIT_TIMEOUT_S + " s:\n" + tail(log));
    }
    assertEquals(0, p.exitValue(), "spark-submit failed:\n" + tail(log));
    assertTrue(Files.readString(log).contains("master=" + master),
        "the job must run on the standalone master:\n" + tail(log));
  }

  @Test
  @Order(1)
  void appJarRunsTheQuickstartWithGpuScheduling() throws Exception {
    Path out = tmp.resolve("qs");
    Path log = tmp.resolve("quickstart.log");
    Process p = submit(log, List.of("spark.executor.resource.gpu.amount=2", "spark.task.resource.gpu.amount=1"),
        List.of("quickstart", "--out", out.toString(), "--steps", "4"));
    awaitExit(p, log);
    assertTrue(Files.readString(log).contains("checkpoint:"), tail(log));
    assertTrue(Files.isDirectory(out.resolve("export")), "quickstart must export");

    // The executor ran in its own JVM under the Worker, loaded ND4J from the app jar and was given
    // a GPU address by Spark's scheduler (ignored on the CPU backend).
    String executors = executorLogs();
    assertTrue(executors.contains("ND4J backend in this JVM: CpuBackend (CPU, 0 device(s)); first task's GPU: "),
        "executor log:\n" + executors);
    assertTrue(executors.matches("(?s).*first task's GPU: [01]\\b.*"), "executor log:\n" + executors);
  }

  @Test
  @Order(2)
  void executorKilledMidRoundGivesTheSameParameters() throws Exception {
    Path shards = tmp.resolve("qs").resolve("shards");
    assertTrue(Files.isDirectory(shards), "needs the quickstart's shards (test order 1)");
    Path refLog = tmp.resolve("train-ref.log");
    awaitExit(submit(refLog, List.of(), train(shards, tmp.resolve("ckpt-ref"))), refLog);

    Path log = tmp.resolve("train-kill.log");
    Process p = submit(log, List.of(), train(shards, tmp.resolve("ckpt-kill")));
    awaitLog(log, "round 1/3", (int) SUBMIT_TIMEOUT_S);
    // Round 2's tasks are running once the executor logs another "Running task".
    int before = count(executorLogs(), "Running task");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count(executorLogs(), "Running task") <= before && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    Thread.sleep(150);
    List<ProcessHandle> executors = worker.descendants()
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
    assertEquals(1, executors.size(), "one executor expected under the Worker");
    executors.get(0).destroyForcibly();
    awaitExit(p, log);

    String driver = Files.readString(log);
    assertTrue(driver.contains("ExecutorLostFailure"), "a task of the round must have been lost:\n" + tail(log));
    byte[] ref = Files.readAllBytes(tmp.resolve("ckpt-ref/step-00000009/params.f32"));
    byte[] killed = Files.readAllBytes(tmp.resolve("ckpt-kill/step-00000009/params.f32"));
    assertArrayEquals(ref, killed, "losing an executor mid-round must not change the result");
  }

  static List<String> train(Path shards, Path ckpt) {
    return List.of("train", "--shards", shards.toString(), "--checkpoint-dir", ckpt.toString(),
        "--steps", "9", "--averaging-every", "3", "--workers", "2");
  }

  static String executorLogs() throws IOException {
    try (Stream<Path> s = Files.walk(work)) {
      return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted()
          .map(StandaloneClusterIT::read).reduce("", String::concat);
    }
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** A SPARK_HOME: jars/ (symlinks to Spark's and Hadoop's Maven jars) and conf/log4j2.xml. */
  static Path sparkHome() throws IOException {
    Path dir = tmp.resolve("spark-home");
    Path jars = Files.createDirectories(dir.resolve("jars"));
    Path conf = Files.createDirectories(dir.resolve("conf"));
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
            <Logger name="org.apache.spark.executor.Executor" level="INFO"/>
            <Root level="WARN"><AppenderRef ref="console"/></Root>
          </Loggers>
        </Configuration>
        """);
    return dir;
  }

  /** Starts {@code java <Spark's flags> -cp conf:jars/* <args>} with output to {@code log}. */
  static Process start(Path log, List<String> args) throws IOException {
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
    PROCESSES.add(p);
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
