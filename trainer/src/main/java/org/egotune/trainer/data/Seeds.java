package org.egotune.trainer.data;

/**
 * Named random streams split from the job seed: a stream is identified by (seed, purpose, index),
 * mixed with the SplitMix64 finaliser, so no two purposes or indices share a stream and no code
 * depends on a shared global RNG.
 */
public final class Seeds {
  /** Stream purpose: frames drawn for the sample at a global position. */
  public static final long FRAMES = 0x4652414d45L;

  private Seeds() {}

  /** A well-mixed 64-bit seed for stream {@code (seed, purpose, index)}. */
  public static long mix(long seed, long purpose, long index) {
    return splitmix(splitmix(splitmix(seed) ^ purpose) ^ index);
  }

  static long splitmix(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
