package org.egotune.cluster.train;

import org.egotune.trainer.run.TrainingRun;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.client.HdfsAdmin;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.prepare.PrepareJob;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards and checkpoints on HDFS (an in-process MiniDFSCluster): prepare writes the shards there,
 * Spark tasks read them, the driver checkpoints there with the crash-safe protocol, and a resumed
 * run ends bit for bit where the uninterrupted one does. The driver's Hadoop settings reach the
 * tasks: {@code fs.defaultFS} is set on the driver only, and {@code hdfs:///} paths work. A
 * directory that fills up (a real HDFS space quota) fails prepare's and the checkpoint's writes with
 * the quota named, leaves nothing partial that looks complete, and loses nothing once space is
 * freed.
 */
@Tag("slow")
class HdfsTrainingIT {
  @TempDir static Path tmp;
  static MiniDFSCluster dfs;
  static FileSystem fs;
  static HdfsAdmin admin;
  static SparkSession spark;
  static String hdfs;

  @BeforeAll
  static void start() throws Exception {
    Configuration c = new Configuration();
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    dfs = new MiniDFSCluster.Builder(c).numDataNodes(1).build();
    dfs.waitActive();
    fs = dfs.getFileSystem();
    hdfs = dfs.getURI().toString(); // hdfs://localhost:<port>
    admin = new HdfsAdmin(dfs.getURI(), c);
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_TRAIN, 3, 6, 4, 32, 32), tmp.resolve("ego"));
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 4, 4, 4, 32, 32), tmp.resolve("exo"));
    spark = SparkRuntime.session("hdfs-it", "local[2]");
    // Only the driver knows the default file system: a task's own new Configuration() does not.
    spark.sparkContext().hadoopConfiguration().set("fs.defaultFS", hdfs);
    assertEquals("file:///", new Configuration().get("fs.defaultFS"));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  static void prepare(String shards) {
    PrepareJob.run(spark, "egomask-train", tmp.resolve("ego"), shards, null, 4, false);
    PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), shards, null, 4, false);
  }

  static TrainingRun.Outcome train(String shards, String ckpt, int steps, boolean resume) {
    return new DistributedTrainer(TinyJob.of(shards, ckpt, steps, 2, 2, 3), spark.sparkContext().hadoopConfiguration())
        .run(spark, resume);
  }

  static void assertCheckpointOnHdfs(String ckptDir, int step) throws Exception {
    org.apache.hadoop.fs.Path d = new org.apache.hadoop.fs.Path(ckptDir, String.format("step-%08d", step));
    for (String f : new String[] {"params.f32", "optimizer.f32", "model.fb", "meta.json"}) {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(d, f);
      assertTrue(fs.exists(p), p + " must be on HDFS");
      assertTrue(fs.getFileStatus(p).getLen() > 0, p + " must not be empty");
    }
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(ckptDir, "latest")), "latest pointer on HDFS");
  }

  @Test
  void trainsFromHdfsShardsAndResumesFromHdfsCheckpointsBitForBit() throws Exception {
    String shards = hdfs + "/shards";
    prepare(shards);
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/shards/egomask-train/manifest.json")));

    TrainingRun.Outcome a = train(shards, hdfs + "/ckpt-a", 8, false);
    assertEquals(hdfs + "/ckpt-a/step-00000008", a.lastCheckpoint().toString());
    assertCheckpointOnHdfs(hdfs + "/ckpt-a", 8);

    // Stop after 4 steps (2 rounds of k=2), then resume to 8 from the checkpoint on HDFS.
    train(shards, hdfs + "/ckpt-b", 4, false);
    assertCheckpointOnHdfs(hdfs + "/ckpt-b", 4);

    // The disk fills up: the checkpoint of step 8 cannot be written. The error names the quota, no
    // partial checkpoint is left, 'latest' still points at step 4; after space is freed the same
    // resume continues from step 4 and loses nothing.
    org.apache.hadoop.fs.Path full = fill("/ckpt-b");
    RuntimeException e = assertThrows(RuntimeException.class, () -> train(shards, hdfs + "/ckpt-b", 8, true));
    assertTrue(e.getMessage().contains("writing checkpoint") && e.getMessage().contains("step-00000008")
        && e.getMessage().contains("quota") && e.getMessage().contains("unchanged"), e.getMessage());
    for (FileStatus st : fs.listStatus(full)) {
      String n = st.getPath().getName();
      assertFalse(n.startsWith("_tmp.step-") || n.equals("step-00000008"), "left behind: " + n);
    }
    CheckpointStore store = new CheckpointStore(fs.getConf(), new org.apache.hadoop.fs.Path(hdfs + "/ckpt-b"), 3);
    assertEquals(4, store.loadLatest().orElseThrow().step());
    admin.clearSpaceQuota(full);
    TrainingRun.Outcome resumed = train(shards, hdfs + "/ckpt-b", 8, true);
    assertCheckpointOnHdfs(hdfs + "/ckpt-b", 8);
    assertArrayEquals(a.params(), resumed.params(),
        "resume from an HDFS checkpoint must end exactly where the uninterrupted run does");
  }

  /** A space quota of one byte more than the directory holds: the next block cannot be allocated. */
  static org.apache.hadoop.fs.Path fill(String dir) throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
    fs.mkdirs(p);
    admin.setSpaceQuota(p, fs.getContentSummary(p).getSpaceConsumed() + 1);
    return p;
  }

  @Test
  void prepareIntoAFullDirectoryFailsWithTheQuotaNamedAndLeavesNoCompleteDataset() throws Exception {
    org.apache.hadoop.fs.Path out = fill("/full-shards");
    Exception e = assertThrows(Exception.class,
        () -> PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), hdfs + "/full-shards", null, 4, false));
    StringBuilder msg = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      msg.append(t.getMessage()).append(" | ");
    }
    assertTrue(msg.toString().contains("quota") && msg.toString().contains("/full-shards"), msg.toString());
    org.apache.hadoop.fs.Path dataset = new org.apache.hadoop.fs.Path(out, "ref-youtube-vos");
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(dataset, DatasetManifest.FILE_NAME)));
    assertThrows(java.io.IOException.class, () -> DatasetManifest.read(fs.getConf(), dataset),
        "a dataset without its manifest is refused as incomplete");

    admin.clearSpaceQuota(out);
    PrepareJob.Result r = PrepareJob.run(spark, "ref-youtube-vos", tmp.resolve("exo"), hdfs + "/full-shards", null, 4, false);
    assertEquals(r.samples(), DatasetManifest.read(fs.getConf(), dataset).totalSamples());
  }

  @Test
  void tasksUseTheDriversHadoopSettings() throws Exception {
    // hdfs:/// resolves through fs.defaultFS, which only the driver's configuration holds; prepare's
    // and training's tasks would otherwise fail with "Incomplete HDFS URI, no host".
    prepare("hdfs:///shards-default");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/shards-default/ref-youtube-vos/manifest.json")));
    TrainingRun.Outcome o = train("hdfs:///shards-default", "hdfs:///ckpt-c", 2, false);
    assertEquals(2, o.steps());
    assertCheckpointOnHdfs("/ckpt-c", 2);
  }
}
