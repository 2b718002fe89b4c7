package org.egotune.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar submitted to YARN: a MiniYARNCluster (ResourceManager + one NodeManager that
 * starts real container JVMs) and a MiniDFSCluster in this JVM, the job submitted from a Spark home
 * that {@code bin/egotune spark-home} wrote, through its {@code bin/submit --master yarn}, in client
 * and in cluster deploy mode. Shards are read from HDFS and checkpoints written there. Both runs end
 * with the same parameters byte for byte, and with those of the same job in local mode to within
 * float rounding (max |diff| below 1e-4; measured 9.5e-6, see docs/cluster.md "YARN, tested").
 */
@Tag("slow")
class YarnClusterIT {
  static final long SUBMIT_TIMEOUT_S = 240;
  static final List<String> TRAIN = List.of("--steps", "6", "--averaging-every", "3", "--workers", "2",
      "--batch-size", "2");

  @TempDir static Path tmp;
  static MiniDFSCluster dfs;
  static MiniYARNCluster yarn;
  static FileSystem fs;
  static String hdfs;
  static Path hadoopConf;
  static LocalSparkHome spark;
  static byte[] local;
  static byte[] firstYarn;

  @BeforeAll
  static void start() throws Exception {
    spark = LocalSparkHome.write(tmp.resolve("spark-home"), true);
    Configuration c = new YarnConfiguration();
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    dfs = new MiniDFSCluster.Builder(c).numDataNodes(1).build();
    dfs.waitActive();
    fs = dfs.getFileSystem();
    hdfs = dfs.getURI().toString();
    c.set("fs.defaultFS", hdfs);
    // Room for an application master and one executor (each a JVM of 1 GB plus Spark's 384 MB
    // overhead), and no memory policing of the containers' virtual memory.
    c.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
    c.setInt(YarnConfiguration.NM_VCORES, 4);
    c.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    c.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    c.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    // The CapacityScheduler (YARN's default) with one queue, as a fresh cluster has it; the
    // minicluster ships no capacity-scheduler.xml.
    c.set("yarn.scheduler.capacity.root.queues", "default");
    c.set("yarn.scheduler.capacity.root.default.capacity", "100");
    c.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    c.set("yarn.scheduler.capacity.maximum-am-resource-percent", "1.0");
    c.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    yarn = new MiniYARNCluster("egotune-yarn-it", 1, 1, 1);
    yarn.init(c);
    yarn.start();
    // The ResourceManager's real address is known once it has bound its port.
    Configuration rm = yarn.getConfig();
    for (int i = 0; i < 300 && rm.get(YarnConfiguration.RM_ADDRESS, ":0").endsWith(":0"); i++) {
      Thread.sleep(100);
    }
    // A client's configuration, as a cluster hands it out: where the ResourceManager is. (Not the
    // minicluster's whole configuration: it names test-only classes, e.g. a StaticMapping rack
    // resolver, that no container has.)
    hadoopConf = Files.createDirectories(tmp.resolve("hadoop-conf"));
    Configuration client = new Configuration(false);
    for (Map.Entry<String, String> e : rm) {
      if (e.getKey().startsWith("yarn.resourcemanager.")
          && (e.getKey().endsWith("address") || e.getKey().endsWith("hostname"))) {
        client.set(e.getKey(), rm.get(e.getKey()));
      }
    }
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
      client.writeXml(out);
    }
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("core-site.xml"))) {
      Configuration core = new Configuration(false);
      core.set("fs.defaultFS", hdfs);
      core.writeXml(out);
    }

    // Shards on HDFS, then the reference: the same training in local mode, reading them there.
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 6, 4, 32, 32), tmp.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 4, 4, 32, 32), tmp.resolve("exo"));
    SparkSession session = SparkRuntime.session("yarn-it-local", "local[2]");
    try {
      PrepareJob.run(session, "egomask-train", tmp.resolve("ego"), hdfs + "/shards", null, 2, false);
      PrepareJob.run(session, "ref-youtube-vos", tmp.resolve("exo"), hdfs + "/shards", null, 2, false);
    } finally {
      session.stop();
    }
    // The reference: the same job in Spark's local mode, submitted the same way.
    submit(List.of("--master", "local[2]"), "/ckpt-local", tmp.resolve("local.log"));
    local = params("/ckpt-local");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.close();
    }
    if (yarn != null) {
      yarn.stop();
    }
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  /** bin/submit --master yarn of the app jar in {@code mode}, training into {@code ckpt} on HDFS. */
  static void submit(String mode, String ckpt, Path log) throws Exception {
    submit(List.of("--master", "yarn", "--deploy-mode", mode), ckpt, log);
  }

  /** bin/submit of the app jar with {@code master} (its options), training into {@code ckpt} on HDFS. */
  static void submit(List<String> master, String ckpt, Path log) throws Exception {
    String java = System.getProperty("java.home");
    List<String> cmd = new ArrayList<>(List.of(spark.bin("submit")));
    cmd.addAll(master);
    cmd.addAll(List.of("--class", "org.egotune.cluster.cli.EgoTuneCli",
        "--driver-memory", "1g", "--num-executors", "1", "--executor-cores", "2", "--executor-memory", "1g",
        "--conf", "spark.yarn.am.memory=512m",
        // Spark's jars are on every node already (this one): no upload of jars/ per application.
        "--conf", "spark.yarn.jars=local:" + spark.home.resolve("jars") + "/*",
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + java,
        "--conf", "spark.executorEnv.JAVA_HOME=" + java,
        "--conf", "spark.ui.enabled=false",
        spark.appJar().toString(),
        "train", "--shards", hdfs + "/shards", "--checkpoint-dir", hdfs + ckpt));
    cmd.addAll(TRAIN);
    Process p = spark.start(log, cmd, Map.of("HADOOP_CONF_DIR", hadoopConf.toString()));
    LocalSparkHome.awaitSuccess(p, log, SUBMIT_TIMEOUT_S);
  }

  static byte[] params(String ckpt) throws Exception {
    try (var in = fs.open(new org.apache.hadoop.fs.Path(ckpt + "/step-00000006/params.f32"))) {
      return in.readAllBytes();
    }
  }

  /**
   * The parameters agree with the local run's to within float rounding: YARN executors' results
   * differ from local mode's in the last bits (docs/cluster.md, "YARN, tested"), and both deploy
   * modes agree with each other byte for byte.
   */
  static void assertSameParams(byte[] yarnParams, String mode) {
    java.nio.FloatBuffer a = java.nio.ByteBuffer.wrap(local).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    java.nio.FloatBuffer b = java.nio.ByteBuffer.wrap(yarnParams).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    assertEquals(a.limit(), b.limit(), "parameter count");
    int differ = 0;
    double max = 0;
    for (int i = 0; i < a.limit(); i++) {
      if (Float.floatToRawIntBits(a.get(i)) != Float.floatToRawIntBits(b.get(i))) {
        differ++;
        max = Math.max(max, Math.abs((double) a.get(i) - b.get(i)));
      }
    }
    System.err.println("YarnClusterIT: " + mode + " mode vs local: " + differ + " of " + a.limit()
        + " floats differ, max |diff| " + max);
    assertTrue(max < 1e-4, "YARN " + mode + " mode must train what local mode trains: " + differ + " of "
        + a.limit() + " floats differ, max |diff| " + max);
    synchronized (YarnClusterIT.class) {
      if (firstYarn == null) {
        firstYarn = yarnParams;
      } else {
        assertArrayEquals(firstYarn, yarnParams, "client and cluster deploy mode must agree byte for byte");
      }
    }
  }

  /** The containers' logs of this test's NodeManager, concatenated. */
  static String containerLogs() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.walk(yarn.getTestWorkDir().toPath())) {
      for (Path f : s.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList()) {
        sb.append(LocalSparkHome.read(f));
      }
    }
    return sb.toString();
  }

  @Test
  void clientModeTrainsOnYarnFromHdfsLikeLocalMode() throws Exception {
    Path log = tmp.resolve("yarn-client.log");
    submit("client", "/ckpt-client", log);
    String driver = Files.readString(log);
    assertTrue(driver.contains("master=yarn"), "the driver must run on YARN:\n" + LocalSparkHome.tail(log));
    assertTrue(containerLogs().contains("Running task"), "tasks must run in YARN containers");
    assertSameParams(params("/ckpt-client"), "client");
  }

  @Test
  void clusterModeTrainsOnYarnFromHdfsLikeLocalMode() throws Exception {
    Path log = tmp.resolve("yarn-cluster.log");
    submit("cluster", "/ckpt-cluster", log);
    assertTrue(Files.readString(log).contains("final status: SUCCEEDED"), LocalSparkHome.tail(log));
    assertTrue(containerLogs().contains("master=yarn"), "the driver must run in the YARN application master");
    assertSameParams(params("/ckpt-cluster"), "cluster");
  }
}
