package org.egotune.cluster.gpu;

import java.util.Map;
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
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return GpuAssignment.NONE;
    }
    SparkEnv env = SparkEnv.get();
    boolean requested = env != null && env.conf().getDouble(GpuAssignment.TASK_AMOUNT, 0) > 0;
    Backend.configure();
    return bind(tc.resourcesJMap(), requested, Nd4jDevices.INSTANCE);
  }

  /** {@link #bindCurrentTask()} on explicit inputs (the unit tests' entry point). */
  static GpuAssignment bind(Map<String, ResourceInformation> resources, boolean requested,
      DeviceApi devices) {
    GpuAssignment a = GpuAssignment.of(resources, requested);
    if (REPORTED.compareAndSet(false, true)) {
      // Once per JVM: what to look for on a GPU node (docs/cluster.md, "Checking the CUDA build").
      LOG.info("ND4J backend in this JVM: {} ({}, {} device(s)); first task's GPU: {}",
          devices.backendName(), devices.cuda() ? "CUDA" : "CPU",
          devices.cuda() ? devices.deviceCount() : 0,
          a.device().isPresent() ? a.device().getAsInt() : "none");
    }
    if (!devices.cuda()) {
      LOG.debug("ND4J backend {} is not CUDA: GPU assignment {} ignored, training on the CPU",
          devices.backendName(), a.device());
      return a;
    }
    if (a.device().isEmpty()) {
      LOG.debug("CUDA backend but this task holds no GPU: ND4J's default device affinity applies");
      return a;
    }
    int d = a.device().getAsInt();
    int n = devices.deviceCount();
    if (d >= n) {
      throw new IllegalStateException("this task was given GPU " + d + " but ND4J sees " + n
          + " device(s); the discovery script and CUDA must number devices alike"
          + " (spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID, no conflicting CUDA_VISIBLE_DEVICES)");
    }
    devices.bind(d);
    LOG.debug("task thread {} bound to CUDA device {}", Thread.currentThread().getName(), d);
    return a;
  }
}
