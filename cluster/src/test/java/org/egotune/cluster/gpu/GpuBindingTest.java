package org.egotune.cluster.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** Which GPU a task binds to, from fake Spark resource maps, on a fake CUDA and the real CPU backend. */
class GpuBindingTest {

  static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of("gpu", new ResourceInformation("gpu", addresses));
  }

  /** A CUDA backend with {@code count} devices that records the devices it was bound to. */
  static final class FakeCuda implements DeviceApi {
    final int count;
    final List<Integer> bound = new ArrayList<>();

    FakeCuda(int count) {
      this.count = count;
    }

    @Override
    public boolean cuda() {
      return true;
    }

    @Override
    public int deviceCount() {
      return count;
    }

    @Override
    public void bind(int device) {
      bound.add(device);
    }

    @Override
    public String backendName() {
      return "FakeCuda";
    }
  }

  @Test
  void oneAddressIsTheDeviceIndex() {
    assertEquals(OptionalInt.of(3), GpuAssignment.of(gpus("3"), true).device());
    assertEquals(OptionalInt.of(0), GpuAssignment.of(gpus(" 0 "), false).device());
  }

  @Test
  void noGpuResourceIsFineUnlessRequested() {
    assertEquals(GpuAssignment.NONE, GpuAssignment.of(Map.of(), false));
    assertEquals(GpuAssignment.NONE, GpuAssignment.of(null, false));
    assertEquals(GpuAssignment.NONE, GpuAssignment.of(gpus(), false));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> GpuAssignment.of(Map.of(), true));
    assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"), e.getMessage());
    assertTrue(e.getMessage().contains("discoveryScript"), e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> GpuAssignment.of(gpus(), true));
    assertTrue(e.getMessage().contains("no address"), e.getMessage());
  }

  @Test
  void moreThanOneAddressIsRefused() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> GpuAssignment.of(gpus("0", "1"), true));
    assertTrue(e.getMessage().contains("2 GPUs [0, 1]"), e.getMessage());
    assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount=1"), e.getMessage());
  }

  @Test
  void nonIntegerAddressIsRefused() {
    for (String bad : new String[] {"GPU-8f1c2a", "1.5", "", "-1"}) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> GpuAssignment.of(gpus(bad), true), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void recordIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new GpuAssignment(null));
    assertThrows(IllegalArgumentException.class, () -> new GpuAssignment(OptionalInt.of(-2)));
  }

  @Test
  void cudaBackendBindsTheAssignedDevice() {
    FakeCuda cuda = new FakeCuda(8);
    assertEquals(OptionalInt.of(5), GpuBinding.bind(gpus("5"), true, cuda).device());
    assertEquals(List.of(5), cuda.bound);
  }

  @Test
  void cudaBackendWithoutAGpuLeavesTheDefaultDevice() {
    FakeCuda cuda = new FakeCuda(8);
    assertEquals(GpuAssignment.NONE, GpuBinding.bind(Map.of(), false, cuda));
    assertTrue(cuda.bound.isEmpty());
  }

  @Test
  void deviceBeyondWhatCudaSeesIsRefused() {
    FakeCuda cuda = new FakeCuda(2);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> GpuBinding.bind(gpus("7"), true, cuda));
    assertTrue(e.getMessage().contains("ND4J sees 2 device(s)"), e.getMessage());
    assertTrue(cuda.bound.isEmpty());
  }

  @Test
  void cpuBackendIgnoresTheAssignment() {
    // The real backend of this build: ND4J's CPU backend.
    assertFalse(Nd4jDevices.INSTANCE.cuda(), "tests run on the CPU backend");
    assertEquals(OptionalInt.of(1), GpuBinding.bind(gpus("1"), true, Nd4jDevices.INSTANCE).device());
    // Errors in the resource map are reported on the CPU backend too.
    assertThrows(IllegalStateException.class,
        () -> GpuBinding.bind(gpus("0", "1"), true, Nd4jDevices.INSTANCE));
  }

  @Test
  void outsideASparkTaskNothingIsBound() {
    assertEquals(GpuAssignment.NONE, GpuBinding.bindCurrentTask());
  }

  @Test
  void aTaskOfSeveralWorkersGetsOneGpuEachInDeviceOrder() {
    List<GpuAssignment> as = GpuAssignment.ofTask(gpus("3", "1", "2", "0"), true, 4);
    assertEquals(List.of(0, 1, 2, 3), as.stream().map(a -> a.device().getAsInt()).toList(),
        "worker j of the task trains on the j-th smallest device index");
    assertEquals(List.of(GpuAssignment.NONE, GpuAssignment.NONE), GpuAssignment.ofTask(Map.of(), false, 2));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GpuAssignment.ofTask(gpus("0", "1"), true, 4));
    assertTrue(e.getMessage().contains("2 GPUs [0, 1] for 4 worker(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount=4"), e.getMessage());

    FakeCuda cuda = new FakeCuda(4);
    List<GpuAssignment> checked = GpuBinding.check(as, cuda);
    for (GpuAssignment a : checked) {
      GpuBinding.bindThread(a, cuda);
    }
    assertEquals(List.of(0, 1, 2, 3), cuda.bound, "each worker thread binds its own device");
    e = assertThrows(IllegalStateException.class,
        () -> GpuBinding.check(GpuAssignment.ofTask(gpus("0", "5"), true, 2), new FakeCuda(4)));
    assertTrue(e.getMessage().contains("GPU 5 but ND4J sees 4"), e.getMessage());
  }
}
