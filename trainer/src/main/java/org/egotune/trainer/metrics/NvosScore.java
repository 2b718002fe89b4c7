package org.egotune.trainer.metrics;

import java.util.List;

/**
 * The per-frame NVOS numbers of one narration, each a fraction in [0, 1]; {@link NvosTable} averages
 * them DAVIS-style.
 *
 * @param narration narration id
 * @param frames number of annotated frames of the narration (0: the narration is skipped)
 * @param objects one score per referred object, in the narration's order
 * @param ignoredPredictionFrames prediction masks (over all objects) on frames that are not
 *     annotated frames of the narration: not scored
 */
public record NvosScore(String narration, int frames, List<ObjectScore> objects, int ignoredPredictionFrames) {

  public NvosScore {
    if (objects == null) {
      throw new IllegalArgumentException("objects must not be null");
    }
    if (frames < 0 || ignoredPredictionFrames < 0) {
      throw new IllegalArgumentException("counts must be non-negative, found frames=" + frames
          + " ignoredPredictionFrames=" + ignoredPredictionFrames);
    }
    objects = List.copyOf(objects);
  }

  /**
   * One referred object's frames.
   *
   * @param object object id
   * @param frames one entry per annotated frame of the narration, in its order
   * @param neverPresent true when its ground truth is empty on every frame
   * @param instances the largest number of instances it has on one frame (0 when never annotated)
   */
  public record ObjectScore(String object, List<FrameScore> frames, boolean neverPresent, int instances) {
    public ObjectScore {
      if (frames == null) {
        throw new IllegalArgumentException("frames must not be null");
      }
      frames = List.copyOf(frames);
    }
  }

  /**
   * One object on one frame.
   *
   * @param frame frame name
   * @param group the object's exhaustive flag on this frame, or {@link Group#ABSENT}
   * @param j J = J_union: IoU of the prediction with the union of the object's instances
   * @param f DAVIS boundary F of the prediction against that union
   * @param jIns J_ins: the best IoU of the prediction with one non-empty instance (= j when the frame
   *     has at most one non-empty instance)
   */
  public record FrameScore(String frame, Group group, double j, double f, double jIns) {
    public FrameScore {
      if (group == null) {
        throw new IllegalArgumentException("group must not be null");
      }
      check("j", j);
      check("f", f);
      check("jIns", jIns);
    }

    private static void check(String name, double v) {
      if (!(v >= 0.0 && v <= 1.0)) {
        throw new IllegalArgumentException(name + " must be in [0, 1], found " + v);
      }
    }
  }

  /**
   * Which row of the split by exhaustive flag a frame counts in: the object's flag on that frame, or
   * {@code absent} when the object is not annotated there. Every (object, frame) pair is in exactly
   * one group.
   */
  public enum Group {
    Y("y"),
    N("n"),
    INCONCLUSIVE("inconclusive"),
    ABSENT("absent");

    private final String key;

    Group(String key) {
      this.key = key;
    }

    /** The row name in tables and JSON. */
    public String key() {
      return key;
    }

    static Group of(NvosNarration.Exhaustive e) {
      return switch (e) {
        case Y -> Y;
        case N -> N;
        case INCONCLUSIVE -> INCONCLUSIVE;
      };
    }
  }
}
