package org.egotune.cluster.gpu;

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
    ResourceInformation gpu = resources == null ? null : resources.get(GPU);
    if (gpu == null) {
      if (requested) {
        throw new IllegalStateException(TASK_AMOUNT + " > 0 but this task was given no '" + GPU
            + "' resource (its resources: " + (resources == null ? "none" : resources.keySet())
            + "); set spark.executor.resource.gpu.amount and a discovery script"
            + " (spark.executor.resource.gpu.discoveryScript, cluster/conf/gpu-discovery.sh)");
      }
      return NONE;
    }
    List<String> addresses = List.of(gpu.addresses());
    if (addresses.isEmpty()) {
      if (requested) {
        throw new IllegalStateException("this task was given a '" + GPU + "' resource with no"
            + " address; check the discovery script's output on this node");
      }
      return NONE;
    }
    if (addresses.size() != 1) {
      throw new IllegalStateException("this task was given " + addresses.size() + " GPUs "
          + addresses + "; each worker trains on one GPU: set " + TASK_AMOUNT + "=1");
    }
    String a = addresses.get(0).trim();
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
    return new GpuAssignment(OptionalInt.of(index));
  }
}
