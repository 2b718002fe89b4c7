package org.egotune.cluster.gpu;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.egotune.model.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the calling Spark task to the GPU it was assigned, on ND4J's CUDA backend; on the CPU
 * backend it only logs (at debug) and returns. Call it at the start of a task, before the task
 * touches any ND4J array, on the thread that runs the task.
 */
public final class GpuBinding {
  private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);
  private static final AtomicBoolean REPORTED = new AtomicBoolean();

  private GpuBinding() {}

  /**
   * Binds this task's thread to its GPU and returns the assignment ({@link GpuAssignment#NONE}
   * outside a Spark task or when the task holds no GPU).
   *
   * @throws IllegalStateException as {@link GpuAssignment#of} does, or when the device index is
   *     beyond the devices ND4J sees
   */
  public static GpuAssignment bindCurrentTask() {
    List<GpuAssignment> a = currentTask(1);
    bindThread(a.get(0));
    return a.get(0);
  }

  /**
   * The GPUs of the calling Spark task for its {@code workers} workers, checked against the devices
   * ND4J sees but not bound: each worker's thread calls {@link #bindThread} with its own. Call it on
   * the task's thread (Spark's task context is per thread).
   */
  public static List<GpuAssignment> currentTask(int workers) {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return Collections.nCopies(workers, GpuAssignment.NONE);
    }
    SparkEnv env = SparkEnv.get();
    boolean requested = env != null && env.conf().getDouble(GpuAssignment.TASK_AMOUNT, 0) > 0;
    Backend.configure();
    return check(GpuAssignment.ofTask(tc.resourcesJMap(), requested, workers), Nd4jDevices.INSTANCE);
  }

  /** Binds the calling thread to the assignment's GPU (nothing on the CPU backend or without one). */
  public static void bindThread(GpuAssignment a) {
    bindThread(a, Nd4jDevices.INSTANCE);
  }

  /** {@link #bindCurrentTask()} on explicit inputs (the unit tests' entry point). */
  static GpuAssignment bind(Map<String, ResourceInformation> resources, boolean requested,
      DeviceApi devices) {
    GpuAssignment a = check(GpuAssignment.ofTask(resources, requested, 1), devices).get(0);
    bindThread(a, devices);
    return a;
  }

  static List<GpuAssignment> check(List<GpuAssignment> as, DeviceApi devices) {
    if (REPORTED.compareAndSet(false, true)) {
      // Once per JVM: what to look for on a GPU node (docs/cluster.md, "Checking the CUDA build").
      LOG.info("ND4J backend in this JVM: {} ({}, {} device(s)); first task's GPU: {}",
          devices.backendName(), devices.cuda() ? "CUDA" : "CPU",
          devices.cuda() ? devices.deviceCount() : 0,
          as.get(0).device().isPresent() ? as.stream().map(a -> String.valueOf(a.device().getAsInt()))
              .collect(Collectors.joining(",")) : "none");
      LOG.info("ND4J numerics in this JVM: {}", devices.numerics());
    }
    if (!devices.cuda()) {
      return as;
    }
    int n = devices.deviceCount();
    for (GpuAssignment a : as) {
      if (a.device().isPresent() && a.device().getAsInt() >= n) {
        throw new IllegalStateException("this task was given GPU " + a.device().getAsInt() + " but ND4J sees "
            + n + " device(s); the discovery script and CUDA must number devices alike"
            + " (spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID, no conflicting CUDA_VISIBLE_DEVICES)");
      }
    }
    return as;
  }

  static void bindThread(GpuAssignment a, DeviceApi devices) {
    if (!devices.cuda()) {
      LOG.debug("ND4J backend {} is not CUDA: GPU assignment {} ignored, training on the CPU",
          devices.backendName(), a.device());
      return;
    }
    if (a.device().isEmpty()) {
      LOG.debug("CUDA backend but this task holds no GPU: ND4J's default device affinity applies");
      return;
    }
    devices.bind(a.device().getAsInt());
    LOG.debug("thread {} bound to CUDA device {}", Thread.currentThread().getName(), a.device().getAsInt());
  }
}
