package org.egotune.mixer.mix;

import java.util.Objects;

/**
 * One source of the mixture: its name, its number of samples and its share of the global order.
 *
 * @param name source name, e.g. {@code egomask-train}
 * @param size number of samples in the source (indices {@code 0..size-1}); positive
 * @param weight the source's share of every window of the global order, in [0, 1]
 */
public record MixSource(String name, long size, double weight) {

  public MixSource {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("source name must not be blank");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("source " + name + ": size must be > 0, found " + size);
    }
    if (!Double.isFinite(weight) || weight < 0 || weight > 1) {
      throw new IllegalArgumentException(
          "source " + name + ": weight must be a finite number in [0, 1], found " + weight);
    }
  }
}
