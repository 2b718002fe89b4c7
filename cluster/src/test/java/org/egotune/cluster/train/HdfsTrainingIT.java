package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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
 * Shards and checkpoints on HDFS (an in-process MiniDFSCluster): prepare writes the shards there,
 * Spark tasks read them, the driver checkpoints there with the crash-safe protocol, and a resumed
 * run ends bit for bit where the uninterrupted one does. The driver's Hadoop settings reach the
 * tasks: {@code fs.defaultFS} is set on the driver only, and {@code hdfs:///} paths work.
 */
@Tag("slow")
class HdfsTrainingIT {
  @TempDir static Path tmp;
  static MiniDFSCluster dfs;
  static FileSystem fs;
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

  static DistributedTrainer.Outcome train(String shards, String ckpt, int steps, boolean resume) {
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

    DistributedTrainer.Outcome a = train(shards, hdfs + "/ckpt-a", 8, false);
    assertEquals(hdfs + "/ckpt-a/step-00000008", a.lastCheckpoint().toString());
    assertCheckpointOnHdfs(hdfs + "/ckpt-a", 8);

    // Stop after 4 steps (2 rounds of k=2), then resume to 8 from the checkpoint on HDFS.
    train(shards, hdfs + "/ckpt-b", 4, false);
    assertCheckpointOnHdfs(hdfs + "/ckpt-b", 4);
    DistributedTrainer.Outcome resumed = train(shards, hdfs + "/ckpt-b", 8, true);
    assertCheckpointOnHdfs(hdfs + "/ckpt-b", 8);
    assertArrayEquals(a.params(), resumed.params(),
        "resume from an HDFS checkpoint must end exactly where the uninterrupted run does");
  }

  @Test
  void tasksUseTheDriversHadoopSettings() throws Exception {
    // hdfs:/// resolves through fs.defaultFS, which only the driver's configuration holds; prepare's
    // and training's tasks would otherwise fail with "Incomplete HDFS URI, no host".
    prepare("hdfs:///shards-default");
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/shards-default/ref-youtube-vos/manifest.json")));
    DistributedTrainer.Outcome o = train("hdfs:///shards-default", "hdfs:///ckpt-c", 2, false);
    assertEquals(2, o.steps());
    assertCheckpointOnHdfs("/ckpt-c", 2);
  }
}
