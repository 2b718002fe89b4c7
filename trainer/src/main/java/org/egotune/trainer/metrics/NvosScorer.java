package org.egotune.trainer.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.Mask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one NVOS narration: every referred object on every annotated frame of its clip, with the
 * DAVIS per-frame J and boundary F that {@link EgoMaskScorer} uses ({@link FrameOverlap},
 * {@link BoundaryF}), and J_ins. {@link NvosTable} averages per object, then over objects.
 *
 * <p>Decisions (see docs/evaluation.md, "NVOS"):
 *
 * <ul>
 *   <li><b>Frames.</b> An object is scored on each of the narration's annotated frames. Where it is
 *       not annotated its ground truth is empty (the DAVIS rule: an empty prediction scores 1, any
 *       predicted pixel scores J = 0).
 *   <li><b>Ground truth</b> on a frame is the union of the object's instance masks; J (= J_union) and
 *       F are computed against it. J_ins is the best IoU of the prediction with one non-empty
 *       instance; with at most one non-empty instance it equals J.
 *   <li><b>Both empty</b> (ground truth and prediction): J = F = J_ins = 1, always (no stale value as
 *       in EgoMask's IoU_gold).
 *   <li><b>Missing prediction</b>: an object without predictions, a frame without a key, and a null
 *       value are all an empty predicted mask.
 *   <li><b>Prediction for an unannotated frame</b>: ignored (not scored, not size-checked), counted in
 *       {@link NvosScore#ignoredPredictionFrames()}. Models may predict every frame of the clip;
 *       only annotated frames can be scored.
 *   <li><b>No annotated frame</b>: the narration's objects get no frame; {@link NvosTable} leaves them
 *       out of every mean and counts the narration as skipped.
 *   <li><b>Object never present</b> (empty ground truth on every annotated frame): scored like any
 *       other object under the rules above, and counted.
 * </ul>
 */
public final class NvosScorer {
  private static final Logger LOG = LoggerFactory.getLogger(NvosScorer.class);

  private NvosScorer() {}

  /**
   * Scores one narration.
   *
   * @param narration the ground truth
   * @param predictions object id to (frame name to predicted mask); an absent object, an absent frame
   *     and a null mask are all empty predictions
   * @throws IllegalArgumentException when {@code predictions} names an object the narration does not
   *     have, or a predicted mask on an annotated frame is not {@code height x width}
   */
  public static NvosScore score(NvosNarration narration, Map<String, Map<String, Mask>> predictions) {
    if (narration == null || predictions == null) {
      throw new IllegalArgumentException("narration and predictions must not be null (use an empty map)");
    }
    Set<String> ids = new HashSet<>();
    narration.objects().forEach(o -> ids.add(o.id()));
    for (String k : predictions.keySet()) {
      if (!ids.contains(k)) {
        throw new IllegalArgumentException("narration " + narration.id() + ": predictions for object '" + k
            + "', which is not one of its referred objects " + ids);
      }
    }
    Set<String> frames = new HashSet<>(narration.frames());
    int h = narration.height();
    int w = narration.width();
    BoundaryF boundaries = new BoundaryF(h, w);
    int ignored = 0;
    List<NvosScore.ObjectScore> objects = new ArrayList<>();
    for (NvosNarration.Target object : narration.objects()) {
      Map<String, Mask> pred = predictions.getOrDefault(object.id(), Map.of());
      for (Map.Entry<String, Mask> e : pred.entrySet()) {
        if (!frames.contains(e.getKey()) && e.getValue() != null) {
          ignored++;
        }
      }
      List<NvosScore.FrameScore> scores = new ArrayList<>();
      boolean present = false;
      int maxInstances = 0;
      for (String frame : narration.frames()) {
        NvosNarration.Annotation a = object.annotations().get(frame);
        boolean[] p = pixels(pred.get(frame), narration, object, frame, h, w);
        List<boolean[]> instances = new ArrayList<>();
        boolean[] union = null;
        if (a != null) {
          maxInstances = Math.max(maxInstances, a.instances().size());
          for (Mask m : a.instances()) {
            if (!m.isEmpty()) {
              boolean[] px = m.rowMajor();
              instances.add(px);
              union = or(union, px);
            }
          }
        }
        present |= union != null;
        FrameOverlap overlap = FrameOverlap.of(union, p);
        double j = overlap.iou();
        double f = boundaries.fMeasure(overlap.areaP() > 0 ? p : null, union);
        double jIns = j;
        if (instances.size() > 1) {
          jIns = 0.0;
          for (boolean[] inst : instances) {
            jIns = Math.max(jIns, FrameOverlap.of(inst, p).iou());
          }
        }
        NvosScore.Group group = a == null ? NvosScore.Group.ABSENT : NvosScore.Group.of(a.exhaustive());
        scores.add(new NvosScore.FrameScore(frame, group, j, f, jIns));
      }
      objects.add(new NvosScore.ObjectScore(object.id(), scores, !present, maxInstances));
    }
    if (ignored > 0) {
      LOG.debug("narration {}: {} predicted mask(s) on unannotated frames ignored", narration.id(), ignored);
    }
    return new NvosScore(narration.id(), narration.frames().size(), objects, ignored);
  }

  private static boolean[] or(boolean[] acc, boolean[] px) {
    if (acc == null) {
      return px;
    }
    boolean[] out = acc.clone();
    for (int k = 0; k < out.length; k++) {
      out[k] |= px[k];
    }
    return out;
  }

  private static boolean[] pixels(
      Mask mask, NvosNarration n, NvosNarration.Target o, String frame, int h, int w) {
    if (mask == null) {
      return null;
    }
    if (mask.height() != h || mask.width() != w) {
      throw new IllegalArgumentException("narration " + n.id() + ", object " + o.id() + ", frame '" + frame
          + "': predicted mask is " + mask.height() + "x" + mask.width() + ", expected " + h + "x" + w);
    }
    return mask.rowMajor();
  }
}
