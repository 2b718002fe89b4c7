package org.egotune.cluster.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.filter.CompositeFilter;
import org.apache.logging.log4j.message.Message;
import org.egotune.mixer.reader.DatasetFormatException;
import org.slf4j.LoggerFactory;

/**
 * A Log4j2 filter (context-wide, {@code <BadInputTaskFailures/>} in the configuration) that keeps
 * Spark's report of a task that failed on bad input to one line. Without it, a damaged frame found
 * inside a task makes Spark log the task's whole stack trace two or three times (the executor's
 * "Exception in task", the scheduler's "Lost task", then "aborting job") above the CLI's one-line
 * error, for what is a data error and not a bug.
 *
 * <p>Bad input here means a {@link DatasetFormatException} anywhere in the failure's cause chain:
 * the exception the CLI maps to exit code 2 that crosses the task boundary. An
 * IllegalArgumentException or IllegalStateException (exit code 2 on the driver) is not taken as bad
 * input inside a task: there it is just as likely a bug (ND4J reports shape errors with them), and a
 * bug keeps its full trace. Spark's retries are untouched: only what is logged changes.
 *
 * <p>What it does, only for events of Spark's loggers:
 * <ul>
 *   <li>the executor's {@code Exception in task ...} whose exception is bad input: dropped (the
 *       driver's scheduler reports the same failure; on a cluster this event is in the executor's
 *       own log, where this filter is normally not configured, so the trace stays there);
 *   <li>the scheduler's {@code Lost task ...} whose reported exception is bad input: dropped and
 *       replaced by one WARN line (logger {@code org.egotune.cluster.logging.BadInputTaskFailureFilter})
 *       naming the task, where it ran and the problem;
 *   <li>{@code Task N in stage S failed K times; aborting job} for a task whose last failure was bad
 *       input: dropped (the CLI's error line says why the job ended);
 *   <li>at INFO, any other Spark line that repeats the failure ("... Job aborted due to stage
 *       failure: ... Lost task ...", from the DAGScheduler and TaskSchedulerImpl): dropped.
 * </ul>
 * Everything else passes untouched. With {@code -Degotune.debug=true} ({@code EGOTUNE_DEBUG=1} with
 * bin/egotune) it lets every event through, so Spark's full trace is back.
 */
@Plugin(name = "BadInputTaskFailures", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE,
    printObject = true)
public final class BadInputTaskFailureFilter extends AbstractFilter {

  /** The exception type (and its subclasses) that means bad input when it fails a Spark task. */
  private static final Class<?> BAD_INPUT = DatasetFormatException.class;

  static final String EXECUTOR = "org.apache.spark.executor.Executor";
  static final String TASK_SET_MANAGER = "org.apache.spark.scheduler.TaskSetManager";

  // TaskSetManager.handleFailedTask: "Lost task 0.0 in stage 1.0 (TID 3) (host executor 1): <trace>"
  private static final Pattern LOST_TASK =
      Pattern.compile("Lost task (\\d+)\\.\\d+ in stage (\\S+) \\(TID \\d+\\) \\(([^)]*)\\): (.*)");
  // TaskSetManager.handleFailedTask, after the above once the task has used up its attempts
  private static final Pattern ABORTING =
      Pattern.compile("Task (\\d+) in stage (\\S+) failed \\d+ times; aborting job");
  private static final Pattern CAUSED_BY = Pattern.compile("(?m)^Caused by: ([\\w.$]+)");

  /** Logger contexts whose later configurations get the filter too (see installIfAbsent). */
  private static final Set<LoggerContext> WATCHED = Collections.newSetFromMap(new WeakHashMap<>());

  /** Tasks ("stage:index") whose latest failure was bad input, for the "aborting job" line. */
  private final Set<String> badTasks = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<String, Boolean>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 1000; // a long job fails many tasks; only the recent ones are asked about
        }
      }));
  private final Map<String, Boolean> badInputClassNames = new ConcurrentHashMap<>();

  private BadInputTaskFailureFilter() {
    super(Result.NEUTRAL, Result.NEUTRAL);
  }

  /** Log4j's factory for {@code <BadInputTaskFailures/>}. */
  @PluginFactory
  static BadInputTaskFailureFilter createFilter() {
    return new BadInputTaskFailureFilter();
  }

  /**
   * Adds the filter to the running Log4j2 configuration unless it is there already: spark-submit
   * users run with their cluster's log4j2 config, which does not name it. A no-op when Log4j2 is not
   * the SLF4J backend.
   */
  public static void installIfAbsent() {
    if (org.apache.logging.log4j.LogManager.getContext(false) instanceof LoggerContext ctx) {
      installIfAbsent(ctx);
    }
  }

  /** As {@link #installIfAbsent()}, on {@code ctx}, and again on every later configuration of it. */
  static void installIfAbsent(LoggerContext ctx) {
    addIfAbsent(ctx, ctx.getConfiguration());
    synchronized (WATCHED) {
      // Spark replaces a JVM's default Log4j configuration with its own when it first logs (after
      // the CLI started, without spark-submit), and a config with monitorInterval reloads itself.
      if (WATCHED.add(ctx)) {
        ctx.addPropertyChangeListener(e -> {
          if (LoggerContext.PROPERTY_CONFIG.equals(e.getPropertyName())
              && e.getNewValue() instanceof Configuration c) {
            addIfAbsent(ctx, c);
          }
        });
      }
    }
  }

  private static void addIfAbsent(LoggerContext ctx, Configuration config) {
    if (isIn(config.getFilter())) {
      return;
    }
    BadInputTaskFailureFilter f = createFilter();
    f.start();
    config.addFilter(f);
    ctx.updateLoggers();
  }

  /** Whether {@code f} is this filter or a composite that holds it. */
  public static boolean isIn(Filter f) {
    if (f instanceof CompositeFilter c) {
      for (Filter x : c.getFiltersArray()) {
        if (x instanceof BadInputTaskFailureFilter) {
          return true;
        }
      }
      return false;
    }
    return f instanceof BadInputTaskFailureFilter;
  }

  /** The decision for one event of logger {@code name}. */
  Result decide(String name, String msg, Throwable thrown) {
    if (msg == null || name == null || !name.startsWith("org.apache.spark.")
        || Boolean.getBoolean("egotune.debug")) {
      return Result.NEUTRAL;
    }
    if (name.equals(EXECUTOR)) {
      return msg.startsWith("Exception in task") && isBadInput(thrown) ? Result.DENY : Result.NEUTRAL;
    }
    int nl = msg.indexOf('\n');
    String first = nl < 0 ? msg : msg.substring(0, nl);
    if (!name.equals(TASK_SET_MANAGER)) {
      // At INFO (the level of Spark's own default config, which spark-submit users get) the
      // DAGScheduler and TaskSchedulerImpl repeat the failure, trace and all, in "... Job aborted due
      // to stage failure: ... most recent failure: Lost task ...". The WARN line has said it.
      if (first.contains("Job aborted due to stage failure: ")) {
        Matcher m = LOST_TASK.matcher(first);
        if (m.find() && reportsBadInput(m.group(4), msg)) {
          return Result.DENY;
        }
      }
      return Result.NEUTRAL;
    }
    Matcher lost = LOST_TASK.matcher(first);
    if (lost.matches()) {
      String task = lost.group(2) + ":" + lost.group(1);
      if (!reportsBadInput(lost.group(4), msg)) {
        badTasks.remove(task);
        return Result.NEUTRAL;
      }
      badTasks.add(task);
      String desc = lost.group(4);
      int colon = desc.indexOf(": ");
      // Logged under our own name: this filter passes it (and so cannot loop on it).
      LoggerFactory.getLogger(BadInputTaskFailureFilter.class).warn(
          "task {} in stage {} ({}) failed on bad input: {} (Spark's stack trace left out;"
              + " -Degotune.debug=true shows it)",
          lost.group(1), lost.group(2), lost.group(3), colon < 0 ? desc : desc.substring(colon + 2));
      return Result.DENY;
    }
    Matcher abort = ABORTING.matcher(msg);
    if (abort.matches() && badTasks.remove(abort.group(2) + ":" + abort.group(1))) {
      return Result.DENY;
    }
    return Result.NEUTRAL;
  }

  /** Whether the cause chain holds a bad-input exception. */
  static boolean isBadInput(Throwable t) {
    for (int depth = 0; t != null && depth < 64; t = t.getCause(), depth++) {
      if (BAD_INPUT.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether Spark's text of a task's exception (its first line, "class: message", and the "Caused
   * by: class" lines of the trace that follows) names a bad-input exception. The scheduler only has
   * the text: the exception object is not part of the log event.
   */
  private boolean reportsBadInput(String firstLine, String text) {
    int colon = firstLine.indexOf(':');
    if (isBadInputClass(colon < 0 ? firstLine.trim() : firstLine.substring(0, colon))) {
      return true;
    }
    Matcher m = CAUSED_BY.matcher(text);
    while (m.find()) {
      if (isBadInputClass(m.group(1))) {
        return true;
      }
    }
    return false;
  }

  private boolean isBadInputClass(String name) {
    return badInputClassNames.computeIfAbsent(name, n -> {
      try {
        // Not initialised: only its type matters. A subclass of ours counts too.
        return BAD_INPUT.isAssignableFrom(Class.forName(n, false, BAD_INPUT.getClassLoader()));
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    });
  }

  // Log4j asks a context-wide filter through these before it builds the event (Spark logs plain
  // strings, with or without a throwable); the LogEvent form is for use on an appender or logger.

  @Override
  public Result filter(LogEvent event) {
    return decide(event.getLoggerName(), event.getMessage() == null ? null
        : event.getMessage().getFormattedMessage(), event.getThrown());
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
    return decide(logger.getName(), msg, null);
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
    return decide(logger.getName(), msg == null ? null : msg.toString(), t);
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
    return decide(logger.getName(), msg == null ? null : msg.getFormattedMessage(), t);
  }
}
