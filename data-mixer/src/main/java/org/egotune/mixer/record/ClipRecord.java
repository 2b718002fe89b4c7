package org.egotune.mixer.record;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.egotune.mixer.mask.Rle;

/**
 * One referring expression over one video clip, as every reader returns it whatever the native
 * layout: the unit the mixer orders and the trainer samples frames from.
 *
 * @param source dataset source name, e.g. {@code egomask-train}, {@code ref-youtube-vos}
 * @param video video id as the dataset names it
 * @param expId expression id within the video
 * @param expression the referring expression text
 * @param objIds the target object ids (several for MeViS: the target is their union)
 * @param frameNames frame names in temporal order, without extension
 * @param frameFiles one file per frame (a local path or a Hadoop URI), aligned with frameNames
 * @param masks the target's mask per frame, aligned with frameNames; {@code null} = absent / no mask
 * @param annotatedFrames frames that are keys of the ground-truth dict (a null value still counts),
 *     which the EgoMask scorer's IoU_gold selects on
 * @param height frame height in pixels
 * @param width frame width in pixels
 * @param depthFiles one depth label file per frame ({@code org.egotune.mixer.depth.DepthLabels}),
 *     aligned with frameNames, or empty when the layout has no depth labels (every layout but
 *     {@code depth})
 * @param exhaustive per frame (by name) where the target is annotated, the annotation's own
 *     completeness flag as the layout writes it (VISOR: {@code y}, {@code n} or {@code inconclusive});
 *     empty for layouts without one. Kept in memory for evaluation; shards do not store it
 */
public record ClipRecord(
    String source,
    String video,
    String expId,
    String expression,
    List<String> objIds,
    List<String> frameNames,
    List<String> frameFiles,
    List<Rle> masks,
    Set<String> annotatedFrames,
    int height,
    int width,
    List<String> depthFiles,
    java.util.Map<String, String> exhaustive)
    implements java.io.Serializable {

  /** A record without depth labels. */
  public ClipRecord(String source, String video, String expId, String expression, List<String> objIds,
      List<String> frameNames, List<String> frameFiles, List<Rle> masks, Set<String> annotatedFrames,
      int height, int width) {
    this(source, video, expId, expression, objIds, frameNames, frameFiles, masks, annotatedFrames,
        height, width, List.<String>of(), java.util.Map.<String, String>of());
  }

  public ClipRecord {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(expId, "expId");
    Objects.requireNonNull(expression, "expression");
    objIds = List.copyOf(objIds);
    frameNames = List.copyOf(frameNames);
    frameFiles = List.copyOf(frameFiles);
    // masks may hold nulls (absent frames), so no List.copyOf
    masks = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(masks));
    annotatedFrames = Set.copyOf(annotatedFrames);
    depthFiles = List.copyOf(depthFiles);
    exhaustive = java.util.Map.copyOf(exhaustive);
    if (frameNames.isEmpty()) {
      throw new IllegalArgumentException("video " + video + " expression " + expId + ": no frames");
    }
    if (frameFiles.size() != frameNames.size() || masks.size() != frameNames.size()) {
      throw new IllegalArgumentException(
          "video " + video + " expression " + expId + ": " + frameNames.size() + " frame names but "
              + frameFiles.size() + " frame files and " + masks.size() + " masks");
    }
    if (!depthFiles.isEmpty() && depthFiles.size() != frameNames.size()) {
      throw new IllegalArgumentException(
          "video " + video + " expression " + expId + ": " + frameNames.size() + " frame names but "
              + depthFiles.size() + " depth files (expected one per frame, or none)");
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "video " + video + ": frame size must be positive, found " + height + "x" + width);
    }
    for (String f : exhaustive.keySet()) {
      if (!frameNames.contains(f)) {
        throw new IllegalArgumentException(
            "video " + video + " expression " + expId + ": exhaustive flag for unknown frame " + f);
      }
    }
    for (int i = 0; i < masks.size(); i++) {
      Rle m = masks.get(i);
      if (m != null && (m.height() != height || m.width() != width)) {
        throw new IllegalArgumentException(
            "video " + video + " frame " + frameNames.get(i) + ": mask is " + m.height() + "x"
                + m.width() + ", frame is " + height + "x" + width);
      }
    }
  }

  /** A record with depth labels and no per-frame completeness flags. */
  public ClipRecord(String source, String video, String expId, String expression, List<String> objIds,
      List<String> frameNames, List<String> frameFiles, List<Rle> masks, Set<String> annotatedFrames,
      int height, int width, List<String> depthFiles) {
    this(source, video, expId, expression, objIds, frameNames, frameFiles, masks, annotatedFrames,
        height, width, depthFiles, java.util.Map.of());
  }

  /** A record with per-frame completeness flags ({@link #exhaustive()}) and no depth labels. */
  public ClipRecord(String source, String video, String expId, String expression, List<String> objIds,
      List<String> frameNames, List<String> frameFiles, List<Rle> masks, Set<String> annotatedFrames,
      int height, int width, java.util.Map<String, String> exhaustive) {
    this(source, video, expId, expression, objIds, frameNames, frameFiles, masks, annotatedFrames,
        height, width, List.of(), exhaustive);
  }

  /** Whether the record carries a depth label per frame. */
  public boolean hasDepth() {
    return !depthFiles.isEmpty();
  }

  /** Number of frames in which the target is present (non-null, non-empty mask). */
  public int presentFrameCount() {
    int n = 0;
    for (Rle m : masks) {
      if (m != null && m.area() > 0) {
        n++;
      }
    }
    return n;
  }
}
