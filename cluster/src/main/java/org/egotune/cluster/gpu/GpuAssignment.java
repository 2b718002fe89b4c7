package org.egotune.cluster.gpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.resource.ResourceInformation;

/**
 * The GPU Spark assigned to a task, read from the task's resources ({@code TaskContext.resources()}:
 * resource name to the addresses given to this task). With {@code spark.task.resource.gpu.amount=1}
 * each task holds exactly one address, the CUDA device index reported by the discovery script.
 *
 * @param device the device index, empty when the task holds no GPU
 */
public record GpuAssignment(OptionalInt device) {
  /** Spark's resource name for GPUs. */
  public static final String GPU = "gpu";
  /** The Spark setting that makes every task of the job request a GPU. */
  public static final String TASK_AMOUNT = "spark.task.resource.gpu.amount";

  /** No GPU. */
  public static final GpuAssignment NONE = new GpuAssignment(OptionalInt.empty());

  public GpuAssignment {
    if (device == null) {
      throw new IllegalArgumentException("device must not be null (use OptionalInt.empty())");
    }
    if (device.isPresent() && device.getAsInt() < 0) {
      throw new IllegalArgumentException("device index must be >= 0, found " + device.getAsInt());
    }
  }

  /**
   * The GPU of a task with these resources.
   *
   * @param resources the task's resources (name to addresses)
   * @param requested whether the job asked for GPUs ({@value #TASK_AMOUNT} &gt; 0)
   * @throws IllegalStateException when GPUs were requested but the task holds none, or the task
   *     holds other than one GPU address, or the address is not a device index
   */
  public static GpuAssignment of(Map<String, ResourceInformation> resources, boolean requested) {
    return ofTask(resources, requested, 1).get(0);
  }

  /**
   * The GPUs of a task that runs {@code workers} workers, one GPU each: the i-th worker of the task
   * trains on the i-th of the task's addresses in ascending device order (the order Spark lists
   * them in is not specified). Without GPUs every worker gets {@link #NONE}.
   *
   * @throws IllegalStateException when GPUs were requested but the task holds none, or holds other
   *     than {@code workers} GPU addresses, or an address is not a device index
   */
  public static List<GpuAssignment> ofTask(Map<String, ResourceInformation> resources,
      boolean requested, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, found " + workers);
    }
    ResourceInformation gpu = resources == null ? null : resources.get(GPU);
    List<GpuAssignment> none = Collections.nCopies(workers, NONE);
    if (gpu == null) {
      if (requested) {
        throw new IllegalStateException(TASK_AMOUNT + " > 0 but this task was given no '" + GPU
            + "' resource (its resources: " + (resources == null ? "none" : resources.keySet())
            + "); set spark.executor.resource.gpu.amount and a discovery script"
            + " (spark.executor.resource.gpu.discoveryScript, cluster/conf/gpu-discovery.sh)");
      }
      return none;
    }
    List<String> addresses = List.of(gpu.addresses());
    if (addresses.isEmpty()) {
      if (requested) {
        throw new IllegalStateException("this task was given a '" + GPU + "' resource with no"
            + " address; check the discovery script's output on this node");
      }
      return none;
    }
    if (addresses.size() != workers) {
      throw new IllegalStateException("this task was given " + addresses.size() + " GPUs "
          + addresses + " for " + workers + " worker(s); each worker trains on one GPU: set "
          + TASK_AMOUNT + "=" + workers + " (= spark.workersPerTask)");
    }
    List<Integer> indices = new ArrayList<>();
    for (String raw : addresses) {
      String a = raw.trim();
      int index;
      try {
        index = Integer.parseInt(a);
      } catch (NumberFormatException e) {
        throw new IllegalStateException("GPU address '" + a + "' is not a device index; the discovery"
            + " script must print CUDA device indices such as \"0\" (nvidia-smi --query-gpu=index)", e);
      }
      if (index < 0) {
        throw new IllegalStateException("GPU address '" + a + "' is negative; expected a device index");
      }
      indices.add(index);
    }
    Collections.sort(indices);
    List<GpuAssignment> out = new ArrayList<>();
    for (int i : indices) {
      out.add(new GpuAssignment(OptionalInt.of(i)));
    }
    return out;
  }
}
