package org.egotune.bench.dl4jspark;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Spark's own per-task metrics (deserialization, run, result serialization, GC, scheduler delay,
 * shuffle) and per-job wall time, summed per job group ({@code sc.setJobGroup}) and stage call
 * site, for the profile mode of {@link PatmComparison}. Times in milliseconds.
 */
final class TaskMetricsListener extends SparkListener {
  /** Sums for one (job group, stage call site). */
  static final class Sums {
    int stages;
    int tasks;
    long runMs;
    long deserializeMs;
    long resultSerMs;
    long gcMs;
    long schedulerDelayMs;
    long shuffleWriteBytes;
    long shuffleReadBytes;
    long resultBytes;
  }

  private final Map<Integer, String> groupOfJob = new ConcurrentHashMap<>();
  private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, Long> jobStart = new ConcurrentHashMap<>();
  /** group -> stage call site -> sums. */
  final Map<String, Map<String, Sums>> byGroup = new ConcurrentHashMap<>();
  /** group -> summed job wall time (ms) and job count. */
  final Map<String, long[]> jobs = new ConcurrentHashMap<>();

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    String g = e.properties() == null ? null : e.properties().getProperty("spark.jobGroup.id");
    g = g == null ? "(none)" : g;
    groupOfJob.put(e.jobId(), g);
    jobStart.put(e.jobId(), e.time());
    for (StageInfo s : scala.collection.JavaConverters.seqAsJavaList(e.stageInfos())) {
      groupOfStage.put(s.stageId(), g + "\u0000" + shortName(s.name()));
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    String g = groupOfJob.getOrDefault(e.jobId(), "(none)");
    long start = jobStart.getOrDefault(e.jobId(), e.time());
    synchronized (jobs) {
      long[] a = jobs.computeIfAbsent(g, x -> new long[2]);
      a[0] += e.time() - start;
      a[1]++;
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    String key = groupOfStage.getOrDefault(e.stageId(), "(none)\u0000?");
    String[] gk = key.split("\u0000", 2);
    TaskInfo info = e.taskInfo();
    TaskMetrics m = e.taskMetrics();
    if (m == null) {
      return;
    }
    synchronized (byGroup) {
      Sums s = byGroup.computeIfAbsent(gk[0], x -> new TreeMap<>()).computeIfAbsent(gk[1], x -> new Sums());
      s.tasks++;
      s.runMs += m.executorRunTime();
      s.deserializeMs += m.executorDeserializeTime();
      s.resultSerMs += m.resultSerializationTime();
      s.gcMs += m.jvmGCTime();
      long gettingResult = info.gettingResult() ? info.finishTime() - info.gettingResultTime() : 0;
      // Spark UI's definition: what the task's duration leaves after its own phases.
      s.schedulerDelayMs += Math.max(0, info.duration() - m.executorRunTime()
          - m.executorDeserializeTime() - m.resultSerializationTime() - gettingResult);
      s.shuffleWriteBytes += m.shuffleWriteMetrics().bytesWritten();
      s.shuffleReadBytes += m.shuffleReadMetrics().totalBytesRead();
      s.resultBytes += m.resultSize();
    }
  }

  @Override
  public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
    String[] gk = groupOfStage.getOrDefault(e.stageInfo().stageId(), "(none)\u0000?").split("\u0000", 2);
    synchronized (byGroup) {
      byGroup.computeIfAbsent(gk[0], x -> new TreeMap<>()).computeIfAbsent(gk[1], x -> new Sums()).stages++;
    }
  }

  /** "map at PatmComparison.java:123" -> "map at PatmComparison.java:123"; long call sites cut. */
  private static String shortName(String name) {
    return name.length() > 60 ? name.substring(0, 60) : name;
  }
}
