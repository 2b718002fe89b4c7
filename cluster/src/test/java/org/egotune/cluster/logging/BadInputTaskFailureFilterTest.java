package org.egotune.cluster.logging;

import static org.egotune.cluster.logging.BadInputTaskFailureFilter.EXECUTOR;
import static org.egotune.cluster.logging.BadInputTaskFailureFilter.TASK_SET_MANAGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.apache.logging.log4j.core.Filter.Result;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.egotune.mixer.reader.DatasetFormatException;
import org.junit.jupiter.api.Test;

/**
 * The filter's decisions on Spark's task-failure lines (as Spark 3.5 words them), and that both
 * log4j2 configs (bin/egotune's and the tests') load it. The real Spark job: {@link
 * SparkTaskFailureLogIT}.
 */
class BadInputTaskFailureFilterTest {

  static final String DFE = DatasetFormatException.class.getName();

  /** TaskSetManager's "Lost task" text: the task's exception as Utils.exceptionString prints it. */
  static String lostTask(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return "Lost task 1.0 in stage 2.0 (TID 5) (127.0.0.1 executor driver): " + w;
  }

  static Throwable badFrame() {
    return new DatasetFormatException("sample v/0 of mevis: /d/00002.jpg: truncated JPEG (no end-of-image marker)");
  }

  @Test
  void badInputInATaskIsDroppedAndBugsPass() {
    BadInputTaskFailureFilter f = BadInputTaskFailureFilter.createFilter();
    // the executor's own report: bad input anywhere in the chain (WorkerTask wraps in an ISE)
    assertEquals(Result.DENY, f.decide(EXECUTOR, "Exception in task 1.0 in stage 2.0 (TID 5)", badFrame()));
    assertEquals(Result.DENY, f.decide(EXECUTOR, "Exception in task 1.0 in stage 2.0 (TID 5)",
        new IllegalStateException("task 1: a worker failed", badFrame())));
    assertEquals(Result.NEUTRAL, f.decide(EXECUTOR, "Exception in task 1.0 in stage 2.0 (TID 5)",
        new IllegalStateException("shape mismatch")));
    assertEquals(Result.NEUTRAL, f.decide(EXECUTOR, "Exception in task 1.0 in stage 2.0 (TID 5)", null));

    // the scheduler's report is text only: the first exception line or a "Caused by:" names the type
    assertEquals(Result.DENY, f.decide(TASK_SET_MANAGER, lostTask(badFrame()), null));
    assertEquals(Result.DENY, f.decide(TASK_SET_MANAGER, "Task 1 in stage 2.0 failed 4 times; aborting job", null),
        "the abort line of a task whose last failure was bad input");
    assertEquals(Result.DENY, f.decide(TASK_SET_MANAGER,
        lostTask(new IllegalStateException("task 1: x", badFrame())), null));
    String bug = lostTask(new IllegalStateException("shape mismatch; not a " + DFE + ": x"));
    assertEquals(Result.NEUTRAL, f.decide(TASK_SET_MANAGER, bug, null), "a message that merely names the type");
    assertEquals(Result.NEUTRAL, f.decide(TASK_SET_MANAGER, "Task 1 in stage 2.0 failed 4 times; aborting job", null),
        "the abort line of a task whose last failure was a bug");
    assertEquals(Result.NEUTRAL, f.decide(TASK_SET_MANAGER, "Task 7 in stage 9.0 failed 1 times; aborting job", null));

    // at INFO the DAGScheduler repeats the failure with its trace
    String dag = "ResultStage 2 (collect at PrepareJob.java:110) failed in 0.578 s due to Job aborted due to"
        + " stage failure: Task 1 in stage 2.0 failed 1 times, most recent failure: ";
    assertEquals(Result.DENY, f.decide("org.apache.spark.scheduler.DAGScheduler", dag + lostTask(badFrame()), null));
    assertEquals(Result.NEUTRAL, f.decide("org.apache.spark.scheduler.DAGScheduler", dag + bug, null));
    assertEquals(Result.NEUTRAL, f.decide("org.apache.spark.scheduler.DAGScheduler",
        "Job 0 failed: collect at PrepareJob.java:110, took 0.630111 s", null));

    // other loggers, and the isEnabled() probe without a message, are never touched
    assertEquals(Result.NEUTRAL, f.decide("org.egotune.cluster.prepare.PrepareJob", lostTask(badFrame()), badFrame()));
    assertEquals(Result.NEUTRAL, f.decide(TASK_SET_MANAGER, null, null));
  }

  @Test
  void debugBringsSparksTraceBack() {
    BadInputTaskFailureFilter f = BadInputTaskFailureFilter.createFilter();
    System.setProperty("egotune.debug", "true");
    try {
      assertEquals(Result.NEUTRAL, f.decide(EXECUTOR, "Exception in task 0.0 in stage 0.0 (TID 0)", badFrame()));
      assertEquals(Result.NEUTRAL, f.decide(TASK_SET_MANAGER, lostTask(badFrame()), null));
    } finally {
      System.clearProperty("egotune.debug");
    }
  }

  @Test
  void bothLog4j2ConfigsLoadTheFilter() throws Exception {
    for (Path p : new Path[] {Path.of("conf/log4j2.xml"), Path.of("src/test/resources/log4j2-test.xml")}) {
      LoggerContext ctx = new LoggerContext("filter-test");
      Configuration c = new XmlConfiguration(ctx, new ConfigurationSource(
          new java.io.FileInputStream(p.toFile()), p.toFile()));
      c.initialize();
      assertTrue(BadInputTaskFailureFilter.isIn(c.getFilter()), p + ": filter " + c.getFilter());
    }
  }

  @Test
  void installAddsTheFilterOnceToAConfigThatLacksItAndToLaterOnes() {
    LoggerContext ctx = new LoggerContext("install-test");
    ctx.start(new DefaultConfiguration());
    try {
      assertFalse(BadInputTaskFailureFilter.isIn(ctx.getConfiguration().getFilter()));
      BadInputTaskFailureFilter.installIfAbsent(ctx);
      BadInputTaskFailureFilter.installIfAbsent(ctx);
      assertTrue(BadInputTaskFailureFilter.isIn(ctx.getConfiguration().getFilter()));
      assertTrue(ctx.getConfiguration().getFilter() instanceof BadInputTaskFailureFilter, "added once");
      // Spark's own defaults replace a JVM's default configuration when it first logs
      ctx.setConfiguration(new DefaultConfiguration());
      assertTrue(BadInputTaskFailureFilter.isIn(ctx.getConfiguration().getFilter()), "added again");
    } finally {
      ctx.stop();
    }
  }
}
