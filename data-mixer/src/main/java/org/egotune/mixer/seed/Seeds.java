package org.egotune.mixer.seed;

/**
 * Named random streams split from the job seed, the one place EgoTune derives seeds: a stream is
 * identified by (seed, purpose, index) and mixed with SplitMix64's finaliser, so no two purposes or
 * indices share a stream and no code depends on a shared global RNG. The mixer's per-epoch
 * shuffles, the synthetic scene plans, frame sampling and the loss's point draws all seed from here.
 */
public final class Seeds {
  /** Stream purpose: frames drawn for the sample at a global position. */
  public static final long FRAMES = 0x4652414d45L;

  /** SplitMix64's increment (the golden ratio in 64-bit fixed point). */
  static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** A well-mixed 64-bit seed for stream {@code (seed, purpose, index)}. */
  public static long mix(long seed, long purpose, long index) {
    return splitmix(splitmix(splitmix(seed) ^ purpose) ^ index);
  }

  /**
   * Output {@code index} (from 0) of a SplitMix64 generator seeded with {@code seed}: nearby seeds
   * and indices give unrelated values, and it equals {@code new SplittableRandom(seed)}'s sequence
   * of {@code nextLong()} at that index.
   */
  public static long nth(long seed, long index) {
    return splitmix(seed + index * GOLDEN_GAMMA);
  }

  /**
   * SplitMix64's output function on {@code z}: the golden-gamma increment, then Stafford's variant-13
   * mixer; equal to {@code new SplittableRandom(z).nextLong()}.
   */
  public static long splitmix(long z) {
    z += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
