package org.egotune.mixer.mix;

/**
 * One position of the global order: which source and which of its samples.
 *
 * @param position 0-based position in the global order
 * @param source index of the source in the mixer's source list
 * @param epoch how many times the source had been fully used before this draw
 * @param index the sample index within the source, in {@code [0, size)}
 */
public record MixEntry(long position, int source, long epoch, long index) {

  public MixEntry {
    if (position < 0) {
      throw new IllegalArgumentException("position must be >= 0, found " + position);
    }
    if (source < 0) {
      throw new IllegalArgumentException("source must be >= 0, found " + source);
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, found " + epoch);
    }
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, found " + index);
    }
  }
}
