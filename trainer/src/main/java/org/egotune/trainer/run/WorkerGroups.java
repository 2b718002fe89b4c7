package org.egotune.trainer.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;

/**
 * Runs one group of a round in this process: for each of its {@code workersPerTask} consecutive
 * workers (in parallel threads when there are several, each bound to its own placement), the
 * worker's local steps; then their results added in worker order, the node-level stage of the
 * reduction. Workers are cached per process between rounds, keyed by run, worker and device.
 */
public final class WorkerGroups {
  private static final Map<String, Worker> CACHE = new ConcurrentHashMap<>();

  /** Threads for the workers of a group beyond its first; reused across rounds and runs. */
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "egotune-worker");
    t.setDaemon(true);
    return t;
  });

  private WorkerGroups() {}

  /**
   * Group {@code group}'s workers on {@code placements} (one per worker), then their partial sum.
   *
   * @param conf opens the shards when a worker is first built in this process
   * @param startNanos when the caller started the group (its time to fetch the round counts from there)
   */
  public static GroupResult run(RunSpec spec, int group, RoundInput in, List<Placement> placements,
      Supplier<Configuration> conf, long startNanos) {
    long t1 = System.nanoTime();
    long startMicros = epochMicros();
    int perTask = spec.workersPerTask();
    int first = group * perTask;
    List<WorkerResult> results = new ArrayList<>(perTask);
    if (perTask == 1) {
      placements.get(0).bindThread();
      results.add(worker(spec, first, placements.get(0), conf).run(first, in));
    } else {
      List<Future<WorkerResult>> running = new ArrayList<>(perTask);
      for (int j = 0; j < perTask; j++) {
        int w = first + j;
        Placement p = placements.get(j);
        running.add(THREADS.submit(() -> {
          p.bindThread();
          return worker(spec, w, p, conf).run(w, in);
        }));
      }
      try {
        for (Future<WorkerResult> f : running) {
          results.add(f.get());
        }
      } catch (InterruptedException e) {
        running.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new IllegalStateException("group " + group + " interrupted while its workers trained", e);
      } catch (ExecutionException e) {
        running.forEach(f -> f.cancel(true));
        Throwable c = e.getCause();
        throw c instanceof RuntimeException re ? re : new IllegalStateException(
            "group " + group + ": a worker failed: " + c, c);
      }
    }
    long t2 = System.nanoTime();
    long endMicros = epochMicros();
    GroupResult partial = Reduction.partial(group, results, spec.averageOptimizer(), null);
    long t3 = System.nanoTime();
    return partial.withTiming(new GroupResult.TaskTiming(t1 - startNanos, t2 - t1, t3 - t2,
        System.nanoTime() - startNanos, startMicros, endMicros));
  }

  /** Drops the run's cached workers in this process. */
  public static void release(String runId) {
    CACHE.keySet().removeIf(k -> k.startsWith(runId + "#"));
  }

  private static Worker worker(RunSpec spec, int w, Placement p, Supplier<Configuration> conf) {
    return CACHE.computeIfAbsent(spec.runId() + "#" + w + p.cacheTag(), k -> new Worker(spec, conf.get()));
  }

  static long epochMicros() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }
}
