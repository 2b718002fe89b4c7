package org.egotune.trainer.run;

import java.util.List;

/**
 * The two-level, order-fixed reduction of the workers' results. Level one ({@link #partial}) runs
 * inside a Spark task and adds its workers' results in worker order; level two ({@link #combine})
 * runs on the driver and adds the tasks' partial sums in task order, then divides by the samples.
 * Both levels accumulate in double, starting from 0, so the summation tree depends only on
 * {@code spark.workers} and {@code spark.workersPerTask}, never on which executor ran a task, when
 * it finished, or whether it was retried. With one worker per task a partial sum is a single
 * product {@code samples x value}, exact in double, and the result is the flat in-order sum; such a
 * task ships its worker's float state and the driver forms that product itself.
 */
final class Reduction {
  private Reduction() {}

  /** Level one: the sample-weighted sums of consecutive workers' results, given in worker order. */
  static GroupResult partial(int group, List<WorkerResult> inWorkerOrder, boolean averageOptimizer,
      GroupResult.TaskTiming timing) {
    WorkerResult first = inWorkerOrder.get(0);
    for (WorkerResult r : inWorkerOrder) {
      if (r.badInput() != null) {
        return new GroupResult(group, first.worker(), inWorkerOrder.size(), 0, 0, 0, null, 0, null,
            null, null, timing, r.badInput());
      }
    }
    float[] kept = !averageOptimizer && first.worker() == 0 ? first.optimizer().clone() : null;
    if (inWorkerOrder.size() == 1) {
      // One worker: its float state is half the bytes of the double products, and the driver forms
      // the same exact products (a float times an integer below 2^29 is exact in double).
      WorkerResult own = averageOptimizer ? first : new WorkerResult(first.worker(), first.samples(),
          first.lossSum(), first.lossSteps(), first.params(), new float[0]);
      return new GroupResult(group, first.worker(), 1, first.samples(), first.lossSum(),
          first.lossSteps(), null, first.optimizer().length, null, kept, own, timing);
    }
    int n = first.params().length;
    int m = first.optimizer().length;
    double[] p = new double[n];
    double[] o = averageOptimizer ? new double[m] : null;
    long samples = 0;
    double lossSum = 0;
    int lossSteps = 0;
    for (int j = 0; j < inWorkerOrder.size(); j++) {
      WorkerResult r = inWorkerOrder.get(j);
      if (r.worker() != first.worker() + j) {
        throw new IllegalStateException("worker results out of order: expected worker "
            + (first.worker() + j) + ", found " + r.worker());
      }
      if (r.params().length != n || r.optimizer().length != m) {
        throw new IllegalStateException("worker " + r.worker() + " returned " + r.params().length
            + " parameters and " + r.optimizer().length + " optimizer values, expected " + n + " and " + m);
      }
      double w = r.samples();
      samples += r.samples();
      lossSum += r.lossSum();
      lossSteps += r.lossSteps();
      float[] x = r.params();
      for (int i = 0; i < n; i++) {
        p[i] += w * x[i];
      }
      if (o != null) {
        float[] y = r.optimizer();
        for (int i = 0; i < m; i++) {
          o[i] += w * y[i];
        }
      }
    }
    return new GroupResult(group, first.worker(), inWorkerOrder.size(), samples, lossSum, lossSteps,
        p, m, o, kept, null, timing);
  }

  /**
   * Level two: adds the partial sums in task order and divides by the total samples.
   *
   * @return {parameters, optimizer state}
   */
  static float[][] combine(List<GroupResult> inGroupOrder, boolean averageOptimizer) {
    GroupResult first = inGroupOrder.get(0);
    int n = first.paramLength();
    double[] p = new double[n];
    double[] o = null;
    float[] kept = null;
    double total = 0;
    int expectWorker = 0;
    for (int g = 0; g < inGroupOrder.size(); g++) {
      GroupResult r = inGroupOrder.get(g);
      if (r.group() != g || r.firstWorker() != expectWorker) {
        throw new IllegalStateException("task results out of order: expected task " + g
            + " starting at worker " + expectWorker + ", found task " + r.group() + " at worker "
            + r.firstWorker());
      }
      expectWorker += r.workers();
      if (r.paramLength() != n || r.optimizerLength() != first.optimizerLength()) {
        throw new IllegalStateException(r.describe() + " returned " + r.paramLength()
            + " parameters and " + r.optimizerLength() + " optimizer values, expected " + n + " and "
            + first.optimizerLength());
      }
      total += r.samples();
      o = averageOptimizer && o == null ? new double[r.optimizerLength()] : o;
      if (r.single() != null) {
        double w = r.samples();
        addProducts(p, w, r.single().params());
        if (averageOptimizer) {
          addProducts(o, w, r.single().optimizer());
        }
      } else {
        add(p, r.paramSum());
        if (averageOptimizer) {
          add(o, r.optimizerSum());
        }
      }
      if (r.keptOptimizer() != null) {
        kept = r.keptOptimizer();
      }
    }
    float[] pf = new float[n];
    for (int i = 0; i < n; i++) {
      pf[i] = (float) (p[i] / total);
    }
    float[] of;
    if (averageOptimizer) {
      of = new float[o.length];
      for (int i = 0; i < o.length; i++) {
        of[i] = (float) (o[i] / total);
      }
    } else {
      if (kept == null) {
        throw new IllegalStateException("no task returned worker 0's optimizer state");
      }
      of = kept.clone();
    }
    return new float[][] {pf, of};
  }

  private static void addProducts(double[] acc, double w, float[] x) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += w * x[i];
    }
  }

  private static void add(double[] acc, double[] x) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += x[i];
    }
  }
}
