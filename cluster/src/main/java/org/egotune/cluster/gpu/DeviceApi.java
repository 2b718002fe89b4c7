package org.egotune.cluster.gpu;

/** The few ND4J device calls the binding needs, behind an interface so tests can fake a GPU. */
interface DeviceApi {
  /** Whether ND4J runs on its CUDA backend. */
  boolean cuda();

  /** The number of devices ND4J sees. */
  int deviceCount();

  /** Binds the calling thread to {@code device}. */
  void bind(int device);

  /** The backend's name, for messages. */
  String backendName();

  /**
   * What decides the backend's floating-point results besides the inputs (native threads, BLAS,
   * CPU features), for the log: two JVMs that differ here may differ in the last bits.
   */
  default String numerics() {
    return "";
  }
}
