package org.egotune.mixer.synth;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What to generate: layout, seed and size.
 *
 * @param layout the native layout to write
 * @param seed every pixel and name derives from it: the same config gives byte-identical files
 * @param videos number of videos (at least 3 for {@link Layout#EGOMASK_BENCH}: one per split)
 * @param frames frames per video, at least 4 (so that an egocentric target can be absent from the
 *     first frame and still visible in a contiguous span)
 * @param height frame height in pixels, 32..2048
 * @param width frame width in pixels, 32..2048, within a factor 2 of the height (the object
 *     placement assumes a roughly square frame)
 * @param splits the splits to write into the same root, each with {@code videos} videos of its own
 *     (the layout's default split keeps exactly the content it had before splits existed); distinct
 *     plain folder names. {@link Layout#EGOMASK_BENCH} takes only {@code full}: its generator always
 *     writes the short, medium and long subsets together
 */
public record SynthConfig(
    Layout layout, long seed, int videos, int frames, int height, int width, List<String> splits) {

  static final int MIN_SIZE = 32;
  static final int MAX_SIZE = 2048;
  static final int MIN_FRAMES = 4;
  static final int MAX_FRAMES = 10_000;
  static final int MAX_VIDEOS = 100_000;

  public SynthConfig {
    Objects.requireNonNull(layout, "layout must not be null");
    Objects.requireNonNull(splits, "splits must not be null");
    splits = List.copyOf(splits);
    if (splits.isEmpty() || new HashSet<>(splits).size() != splits.size()) {
      throw new IllegalArgumentException("splits must be a non-empty list of distinct names, found " + splits);
    }
    for (String s : splits) {
      if (s.isBlank() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0) {
        throw new IllegalArgumentException("splits: '" + s + "' is not a plain folder name");
      }
    }
    if (layout == Layout.EGOMASK_BENCH && !splits.equals(List.of(Layout.EGOMASK_BENCH.defaultSplit()))) {
      throw new IllegalArgumentException("splits must be [full] for egomask-bench (its generator writes"
          + " the short, medium and long subsets together), found " + splits);
    }
    if (videos <= 0) {
      throw new IllegalArgumentException("videos must be positive, found " + videos);
    }
    if (videos > MAX_VIDEOS) {
      throw new IllegalArgumentException("videos must be at most " + MAX_VIDEOS + ", found " + videos);
    }
    if (layout == Layout.EGOMASK_BENCH && videos < 3) {
      throw new IllegalArgumentException(
          "videos must be at least 3 for egomask-bench (one per split short, medium, long), found "
              + videos);
    }
    if (frames < MIN_FRAMES || frames > MAX_FRAMES) {
      throw new IllegalArgumentException(
          "frames must be in " + MIN_FRAMES + ".." + MAX_FRAMES + ", found " + frames);
    }
    if (height < MIN_SIZE || height > MAX_SIZE) {
      throw new IllegalArgumentException(
          "height must be in " + MIN_SIZE + ".." + MAX_SIZE + ", found " + height);
    }
    if (width < MIN_SIZE || width > MAX_SIZE) {
      throw new IllegalArgumentException(
          "width must be in " + MIN_SIZE + ".." + MAX_SIZE + ", found " + width);
    }
    if (width > 2 * height || height > 2 * width) {
      throw new IllegalArgumentException(
          "width/height must be within a factor 2 of each other, found height " + height
              + " and width " + width);
    }
  }

  /** One split, the layout's default ({@link Layout#defaultSplit()}). */
  public SynthConfig(Layout layout, long seed, int videos, int frames, int height, int width) {
    this(layout, seed, videos, frames, height, width, List.of(layout.defaultSplit()));
  }

  /** This config for one of its splits: the default split keeps the seed, any other mixes its name in. */
  SynthConfig forSplit(String split) {
    long s = split.equals(layout.defaultSplit()) ? seed : seed ^ (split.hashCode() * 0x9E3779B97F4A7C15L);
    return new SynthConfig(layout, s, videos, frames, height, width, List.of(split));
  }

  /** The quickstart size: seed 0, 24 videos of 8 frames at 64x64. */
  public static SynthConfig defaults(Layout layout) {
    return new SynthConfig(layout, 0L, 24, 8, 64, 64);
  }
}
