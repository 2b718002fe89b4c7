package org.egotune.cluster.gpu;

import org.nd4j.linalg.factory.Nd4j;

/** {@link DeviceApi} on ND4J's loaded backend. */
final class Nd4jDevices implements DeviceApi {
  static final Nd4jDevices INSTANCE = new Nd4jDevices();

  private Nd4jDevices() {}

  @Override
  public boolean cuda() {
    return !Nd4j.getEnvironment().isCPU();
  }

  @Override
  public int deviceCount() {
    return Nd4j.getAffinityManager().getNumberOfDevices();
  }

  @Override
  public void bind(int device) {
    // Per-thread device affinity (ND4J's AffinityManager); Spark runs each task on one thread.
    Nd4j.getAffinityManager().unsafeSetDevice(device);
  }

  @Override
  public String backendName() {
    return Nd4j.getBackend().getClass().getSimpleName();
  }

  @Override
  public String numerics() {
    java.util.Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
    return "OMP_NUM_THREADS " + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset") + ", BLAS "
        + p.getProperty("blas.vendor", "?") + ", javacpp extension '"
        + System.getProperty("org.bytedeco.javacpp.platform.extension", "") + "'";
  }
}
