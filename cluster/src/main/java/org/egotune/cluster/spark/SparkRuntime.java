package org.egotune.cluster.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the job's SparkSession. When the job was started by {@code spark-submit} the master and
 * settings come from there; otherwise (bin/egotune, tests) the configured master is used, with the
 * UI off and quiet defaults fit for a laptop.
 */
public final class SparkRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(SparkRuntime.class);

  private SparkRuntime() {}

  /** A session for {@code appName}; {@code master} applies unless spark-submit already set one. */
  public static SparkSession session(String appName, String master) {
    SparkConf conf = new SparkConf().setAppName(appName);
    if (!conf.contains("spark.master")) {
      conf.setMaster(master);
      conf.set("spark.ui.enabled", "false");
      conf.set("spark.ui.showConsoleProgress", "false");
      conf.set("spark.driver.host", conf.get("spark.driver.host", "127.0.0.1"));
      conf.set("spark.driver.bindAddress", conf.get("spark.driver.bindAddress", "127.0.0.1"));
      conf.set("spark.sql.shuffle.partitions", "4");
    }
    // Each task runs ND4J single-threaded (see docs/architecture.md, "Threads"); on a cluster the
    // executors get the same through their environment.
    if (!conf.contains("spark.executorEnv.OMP_NUM_THREADS")) {
      conf.set("spark.executorEnv.OMP_NUM_THREADS", "1");
    }
    // Executors on a cluster choose ND4J's native variant like this JVM did.
    String ext = System.getProperty(org.egotune.model.Backend.EXTENSION_PROPERTY);
    String opts = conf.get("spark.executor.extraJavaOptions", "");
    if (ext != null && !opts.contains(org.egotune.model.Backend.EXTENSION_PROPERTY)) {
      conf.set("spark.executor.extraJavaOptions",
          (opts + " -D" + org.egotune.model.Backend.EXTENSION_PROPERTY + "=" + ext).trim());
    }
    SparkSession s = SparkSession.builder().config(conf).getOrCreate();
    LOG.info("Spark {} master={} defaultParallelism={}", s.version(), s.sparkContext().master(),
        s.sparkContext().defaultParallelism());
    return s;
  }
}
