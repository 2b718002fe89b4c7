package org.egotune.mixer.synth;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A native dataset layout the synthetic generator can write: the generator half of a layout's
 * registration in {@code org.egotune.mixer.layout.DatasetLayouts}.
 */
public enum Layout {
  EGOMASK_TRAIN("egomask-train"),
  EGOMASK_BENCH("egomask-bench"),
  REF_YOUTUBE_VOS("ref-youtube-vos"),
  MEVIS("mevis"),
  REF_DAVIS("ref-davis"),
  /** Ours: ray-cast tabletop clips with a normalised inverse-depth label per frame (docs/data.md). */
  DEPTH("depth"),
  /** VISOR's sparse and dense JSON with polygon masks, frames in per-video folders or zips (docs/data.md). */
  VISOR("visor");

  private final String id;

  Layout(String id) {
    this.id = id;
  }

  /** The layout's name on the command line and in docs, e.g. {@code egomask-train}. */
  public String id() {
    return id;
  }

  /**
   * The split the generator writes by default: {@code full} (all three subsets) for the benchmark,
   * {@code train} for every training layout. The registry ({@code DatasetLayouts}) names the same.
   */
  public String defaultSplit() {
    return this == EGOMASK_BENCH ? "full" : "train";
  }

  /**
   * Whether the real release of {@code split} comes without masks (Ref-YouTube-VOS {@code valid},
   * MeViS {@code valid}: scored on a server), so the generator writes none either.
   */
  boolean releasedWithoutMasks(String split) {
    return (this == REF_YOUTUBE_VOS || this == MEVIS) && split.equals("valid");
  }

  /**
   * Egocentric layouts get small, intermittently visible targets, look-alike clutter and a moving
   * camera.
   */
  boolean egocentric() {
    return this == EGOMASK_TRAIN || this == EGOMASK_BENCH;
  }

  /**
   * The layout with this id.
   *
   * @throws IllegalArgumentException listing the valid ids when there is none
   */
  public static Layout fromId(String id) {
    for (Layout l : values()) {
      if (l.id.equals(id)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown layout '" + id + "', expected one of "
            + Arrays.stream(values()).map(Layout::id).collect(Collectors.joining(", ")));
  }
}
