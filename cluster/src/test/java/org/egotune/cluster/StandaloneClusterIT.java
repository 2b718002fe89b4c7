package org.egotune.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * The application jar on a real Spark standalone cluster, started exactly as docs/cluster.md's
 * walk-through does: {@code bin/egotune spark-home DIR} writes a Spark home from the Maven jars (no
 * Spark distribution), its {@code bin/start-master} and {@code bin/start-worker} start a Master and
 * a Worker on 127.0.0.1, and its {@code bin/submit} submits the application jar it holds.
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
  static LocalSparkHome spark;
  static Path appJar;
  static Path work;
  static Process worker;
  static String master;

  @BeforeAll
  static void startCluster() throws Exception {
    spark = LocalSparkHome.write(tmp.resolve("spark-home"), false);
    appJar = spark.appJar();
    Path gpus = tmp.resolve("fake-gpus.sh");
    Files.writeString(gpus, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
    gpus.toFile().setExecutable(true);
    Path workerProps = tmp.resolve("worker.properties");
    Files.writeString(workerProps, "spark.worker.resource.gpu.amount=2\n"
        + "spark.worker.resource.gpu.discoveryScript=" + gpus + "\n");
    int masterPort = LocalSparkHome.freePort();
    master = "spark://127.0.0.1:" + masterPort;
    work = Files.createDirectories(tmp.resolve("work"));
    try {
      Path masterLog = tmp.resolve("master.log");
      spark.start(masterLog, List.of(spark.bin("start-master"), "--host", "127.0.0.1",
          "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(LocalSparkHome.freePort())), Map.of());
      LocalSparkHome.awaitLog(masterLog, "I have been elected leader", 90);
      Path workerLog = tmp.resolve("worker.log");
      worker = spark.start(workerLog, List.of(spark.bin("start-worker"), "--host", "127.0.0.1",
          "--cores", "2", "--memory", "4g", "--webui-port", String.valueOf(LocalSparkHome.freePort()),
          "--work-dir", work.toString(), "--properties-file", workerProps.toString(), master), Map.of());
      LocalSparkHome.awaitLog(workerLog, "Successfully registered with master", 90);
    } catch (Exception | AssertionError e) {
      stopCluster();
      throw e;
    }
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.close();
    }
  }

  /** bin/submit of the app jar (client mode) with {@code conf} and the CLI arguments {@code args}. */
  static Process submit(Path log, List<String> conf, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(spark.bin("submit"),
        "--master", master, "--deploy-mode", "client",
        "--class", "org.egotune.cluster.cli.EgoTuneCli", "--driver-memory", "1g",
        "--executor-memory", "2g", "--total-executor-cores", "2",
        "--conf", "spark.executor.cores=2", "--conf", "spark.ui.enabled=false"));
    for (String c : conf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    cmd.add(appJar.toString());
    cmd.addAll(args);
    return spark.start(log, cmd, Map.of());
  }

  static void awaitExit(Process p, Path log) throws Exception {
    LocalSparkHome.awaitSuccess(p, log, SUBMIT_TIMEOUT_S);
    assertTrue(Files.readString(log).contains("master=" + master),
        "the job must run on the standalone master:\n" + LocalSparkHome.tail(log));
  }

  @Test
  @Order(1)
  void appJarRunsTheQuickstartWithGpuScheduling() throws Exception {
    Path out = tmp.resolve("qs");
    Path log = tmp.resolve("quickstart.log");
    Process p = submit(log, List.of("spark.executor.resource.gpu.amount=2", "spark.task.resource.gpu.amount=1"),
        List.of("quickstart", "--out", out.toString(), "--steps", "4"));
    awaitExit(p, log);
    assertTrue(Files.readString(log).contains("checkpoint:"), LocalSparkHome.tail(log));
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
    LocalSparkHome.awaitLog(log, "round 1/3", (int) SUBMIT_TIMEOUT_S);
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
    assertTrue(driver.contains("ExecutorLostFailure"), "a task of the round must have been lost:\n" + LocalSparkHome.tail(log));
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
          .map(LocalSparkHome::read).reduce("", String::concat);
    }
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
