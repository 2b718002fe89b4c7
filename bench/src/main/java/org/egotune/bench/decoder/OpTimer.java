package org.egotune.bench.decoder;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Wall time of every op SameDiff executes, summed per op instance, with the instance's type and
 * output shape: where a training step's time goes. The gap between ops (SameDiff's own bookkeeping)
 * is the step's time minus the sum.
 */
final class OpTimer extends BaseListener {
  /** One op instance: its type, first output's shape, total nanoseconds and calls. */
  record Entry(String type, String shape, long nanos, int calls) {}

  private final Map<String, Entry> byName = new TreeMap<>();
  private long start;

  @Override
  public boolean isActive(Operation operation) {
    return true;
  }

  @Override
  public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) {
    start = System.nanoTime();
  }

  @Override
  public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
    long dt = System.nanoTime() - start;
    String shape = outputs != null && outputs.length > 0 && outputs[0] != null
        ? Arrays.toString(outputs[0].shape()) : "-";
    byName.merge(op.getName(), new Entry(op.getOp().opName(), shape, dt, 1),
        (a, b) -> new Entry(a.type(), a.shape(), a.nanos() + b.nanos(), a.calls() + b.calls()));
  }

  /** Milliseconds per op type over all recorded calls, largest first. */
  Map<String, Double> msByType() {
    Map<String, Double> sum = new TreeMap<>();
    byName.values().forEach(e -> sum.merge(e.type(), e.nanos() / 1e6, Double::sum));
    return sortedDescending(sum);
  }

  /** Milliseconds per op instance ("name type shape"), largest first. */
  Map<String, Double> msByInstance() {
    Map<String, Double> sum = new TreeMap<>();
    byName.forEach((name, e) -> sum.put(name + " " + e.type() + " " + e.shape(), e.nanos() / 1e6));
    return sortedDescending(sum);
  }

  private static Map<String, Double> sortedDescending(Map<String, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
