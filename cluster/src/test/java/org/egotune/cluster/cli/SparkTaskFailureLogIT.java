package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkException;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.synth.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark local-mode job with a damaged frame, through {@code egotune prepare}: the task that
 * meets it returns the bad input as its result instead of failing, so Spark reports no task failure
 * and retries nothing, and the CLI ends with its one error line naming the file and exit code 2. A task that fails with a bug still has its full trace logged. What is checked is what reaches
 * the appenders: a capturing appender on the root logger, next to the console one.
 */
@Tag("slow")
class SparkTaskFailureLogIT {

  /** One event as an appender sees it: the level, the logger, the message and the trace if any. */
  record Line(String level, String logger, String text, Throwable thrown) {
    String withTrace() {
      if (thrown == null) {
        return text;
      }
      StringWriter w = new StringWriter();
      thrown.printStackTrace(new PrintWriter(w));
      return text + "\n" + w;
    }
  }

  static final class Capture extends AbstractAppender {
    final List<Line> lines = new CopyOnWriteArrayList<>();

    Capture() {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent e) {
      lines.add(new Line(e.getLevel().name(), e.getLoggerName(), e.getMessage().getFormattedMessage(),
          e.getThrown()));
    }

    String all() {
      StringBuilder b = new StringBuilder();
      lines.forEach(l -> b.append(l.level()).append(' ').append(l.logger()).append(" - ")
          .append(l.withTrace()).append('\n'));
      return b.toString();
    }
  }

  /** Counts failed task attempts; Spark makes it from spark.extraListeners (a system property). */
  public static final class FailedAttempts extends SparkListener {
    static final AtomicInteger COUNT = new AtomicInteger();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() instanceof TaskFailedReason) {
        COUNT.incrementAndGet();
      }
    }
  }

  Capture capture;

  @TempDir Path tmp;

  @BeforeEach
  void attach() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration c = ctx.getConfiguration();
    capture = new Capture();
    capture.start();
    c.addAppender(capture);
    c.getRootLogger().addAppender(capture, null, null);
    ctx.updateLoggers();
  }

  @AfterEach
  void detach() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(capture.getName());
    ctx.updateLoggers();
    capture.stop();
  }

  @Test
  void aDamagedFrameFoundInATaskIsOneLineWithoutSparksTrace() throws Exception {
    Path in = BadInputCorpus.dataset(tmp.resolve("in"), Layout.EGOMASK_TRAIN);
    // a later frame: the annotations are fine, so the driver starts the job and a task finds it
    BadInputCorpus.cutInHalf(BadInputCorpus.videoFile(in, "train/JPEGImages", 2));
    FailedAttempts.COUNT.set(0);
    System.setProperty("spark.extraListeners", FailedAttempts.class.getName());
    // Spark at INFO, as Spark's own default config (spark-submit's) has it: more lines repeat the trace
    Configurator.setLevel("org.apache.spark", Level.INFO);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      // local[2,2]: two attempts per task, as a cluster's spark.task.maxFailures would allow
      exit = EgoTuneCli.execute("prepare", "--layout", "egomask-train", "--input", in.toString(),
          "--out", tmp.resolve("out").toString(), "--master", "local[2,2]");
    } finally {
      System.setErr(oldErr);
      System.clearProperty("spark.extraListeners");
      Configurator.setLevel("org.apache.spark", Level.WARN);
    }
    String stderr = err.toString(StandardCharsets.UTF_8);
    String logged = capture.all();
    System.out.println("--- the CLI's stderr:\n" + stderr + "--- logged (Spark at INFO):\n" + logged);

    // exit code 2 and one error line naming the sample, the frame and the problem
    assertEquals(2, exit, stderr + logged);
    List<String> errorLines = stderr.lines().filter(l -> l.startsWith("egotune prepare: error:")).toList();
    assertEquals(1, errorLines.size(), stderr);
    assertTrue(errorLines.get(0).matches("egotune prepare: error: sample videos\\.ego_0000\\.expressions\\.\\d+ of"
        + " egomask-train: .*/JPEGImages/ego_0000/\\d+\\.jpg: truncated JPEG \\(no end-of-image marker\\).*"),
        errorLines.get(0));
    // the task did not fail, so Spark did not retry a failure that would repeat
    assertEquals(0, FailedAttempts.COUNT.get(), "failed task attempts");

    // Spark reported no failed task, so it logged no trace to condense
    assertTrue(capture.lines.stream()
        .noneMatch(l -> l.text().contains("failed on bad input")), logged);
    assertFalse(logged.contains("Lost task"), logged);
    assertFalse(logged.contains("Exception in task"), logged);
    assertFalse(stderr.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), stderr);
    assertFalse(logged.contains("\tat "), "no stack trace line:\n" + logged);
    assertFalse(logged.contains("Caused by"), logged);
    assertTrue(capture.lines.stream().noneMatch(l -> l.level().equals("ERROR")), logged);
    assertTrue(capture.lines.stream().noneMatch(l -> l.thrown() != null), logged);
  }

  @Test
  void aBugInATaskStillLogsItsFullTrace() {
    SparkSession spark = SparkRuntime.session("task-bug-it", "local[2]");
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      SparkException e = assertThrows(SparkException.class, () -> jsc.parallelize(List.of(1, 2), 2)
          .map(i -> {
            if (i == 2) {
              throw new IllegalStateException("a bug, not bad input");
            }
            return i;
          }).collect());
      assertTrue(e.getMessage().contains("a bug, not bad input"), e.getMessage());
    } finally {
      spark.stop();
    }
    String logged = capture.all();
    System.out.println("--- logged at WARN and above:\n" + logged);
    // the executor's report with the exception, the scheduler's with the trace, the abort line
    assertTrue(capture.lines.stream().anyMatch(l -> l.level().equals("ERROR")
        && l.text().startsWith("Exception in task") && l.thrown() instanceof IllegalStateException), logged);
    assertTrue(capture.lines.stream().anyMatch(l -> l.level().equals("WARN") && l.text().startsWith("Lost task")
        && l.text().contains("java.lang.IllegalStateException: a bug, not bad input")
        && l.text().contains("\tat ")), logged);
    assertTrue(capture.lines.stream().anyMatch(l -> l.text().matches("Task \\d+ in stage \\S+ failed 1 times; aborting job")),
        logged);
    assertTrue(capture.lines.stream()
        .noneMatch(l -> l.text().contains("failed on bad input")), logged);
  }
}
