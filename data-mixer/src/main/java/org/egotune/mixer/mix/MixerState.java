package org.egotune.mixer.mix;

import java.util.List;
import java.util.Objects;

/**
 * The mixer's resumable state at a position, as a checkpoint stores it: the next position and how
 * many samples each source has contributed before it.
 *
 * <p>The order is a function of (sources, weights, seed) alone, so {@code position} suffices to
 * continue; the counts let {@link RatioMixer#resume} start there in O(sources) instead of
 * replaying every earlier position, and let it check that the state belongs to the same mixture.
 *
 * @param position the next position to draw (number of positions already drawn)
 * @param taken per source (in the mixer's source order), samples drawn before {@code position}
 */
public record MixerState(long position, List<Long> taken) {

  public MixerState {
    if (position < 0) {
      throw new IllegalArgumentException("position must be >= 0, found " + position);
    }
    Objects.requireNonNull(taken, "taken");
    taken = List.copyOf(taken);
    long sum = 0;
    for (int s = 0; s < taken.size(); s++) {
      long t = taken.get(s);
      if (t < 0) {
        throw new IllegalArgumentException("taken[" + s + "] must be >= 0, found " + t);
      }
      sum += t;
    }
    if (sum != position) {
      throw new IllegalArgumentException(
          "taken counts " + taken + " sum to " + sum + ", expected position " + position);
    }
  }
}
