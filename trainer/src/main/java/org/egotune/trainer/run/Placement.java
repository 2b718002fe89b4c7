package org.egotune.trainer.run;

/**
 * Where one worker's thread runs: on the CPU backend nowhere in particular; on a GPU node, the device
 * the scheduler gave it. A worker's cached trainer keeps its arrays on one device, so the cache key
 * carries {@link #cacheTag}.
 */
public interface Placement {
  /** No device: the CPU backend. */
  Placement CPU = new Placement() {
    @Override
    public void bindThread() {}

    @Override
    public String cacheTag() {
      return "";
    }
  };

  /** Binds the calling thread to this placement's device before the worker touches an array. */
  void bindThread();

  /** Distinguishes workers cached on different devices (empty on the CPU). */
  String cacheTag();
}
