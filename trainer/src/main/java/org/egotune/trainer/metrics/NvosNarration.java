package org.egotune.trainer.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.Mask;

/**
 * The ground truth of one NVOS narration (one clip), as {@link NvosScorer} needs it, independent of
 * how the benchmark is stored: the clip's annotated frames and, per referred object, its masks on the
 * frames where it is annotated.
 *
 * @param id narration (clip) id, used in reports and errors
 * @param height frame height in pixels, the same for every frame of the clip
 * @param width frame width in pixels
 * @param frames the clip's annotated frames, in order, without repeats; every object is scored on
 *     each of them (an object not annotated on a frame has an empty ground truth there). May be
 *     empty: the narration is then skipped and counted
 * @param objects the referred objects (one per tagged phrase), at least one, with distinct ids
 */
public record NvosNarration(
    String id, int height, int width, List<String> frames, List<Target> objects) {

  public NvosNarration {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("narration id must be non-blank, found '" + id + "'");
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("narration " + id + ": frame size must be positive, found height="
          + height + " width=" + width);
    }
    if (frames == null) {
      throw new IllegalArgumentException("narration " + id + ": frames must not be null (use an empty list)");
    }
    Set<String> frameSet = new HashSet<>();
    for (int i = 0; i < frames.size(); i++) {
      String f = frames.get(i);
      if (f == null) {
        throw new IllegalArgumentException("narration " + id + ": frames[" + i + "] is null");
      }
      if (!frameSet.add(f)) {
        throw new IllegalArgumentException("narration " + id + ": frame '" + f + "' is listed twice");
      }
    }
    if (objects == null || objects.isEmpty()) {
      throw new IllegalArgumentException("narration " + id + ": objects must list at least one referred object");
    }
    Set<String> ids = new HashSet<>();
    for (Target t : objects) {
      if (t == null) {
        throw new IllegalArgumentException("narration " + id + ": an object is null");
      }
      if (!ids.add(t.id())) {
        throw new IllegalArgumentException("narration " + id + ": object id '" + t.id() + "' appears twice");
      }
      for (Map.Entry<String, Annotation> e : t.annotations().entrySet()) {
        if (!frameSet.contains(e.getKey())) {
          throw new IllegalArgumentException("narration " + id + ", object " + t.id() + ": annotated frame '"
              + e.getKey() + "' is not among the narration's frames " + frames);
        }
        for (Mask m : e.getValue().instances()) {
          if (m.height() != height || m.width() != width) {
            throw new IllegalArgumentException("narration " + id + ", object " + t.id() + ", frame '" + e.getKey()
                + "': instance mask is " + m.height() + "x" + m.width() + ", expected " + height + "x" + width);
          }
        }
      }
    }
    frames = List.copyOf(frames);
    objects = List.copyOf(objects);
  }

  /**
   * One referred object.
   *
   * @param id the object's id within the narration (e.g. the phrase tag {@code k} of
   *     {@code [phrase]<k>}); names its prediction file
   * @param annotations frame name to the object's annotation on that frame; a frame of the narration
   *     that is not a key is one where the object is not annotated (absent)
   */
  public record Target(String id, Map<String, Annotation> annotations) {
    public Target {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("object id must be non-blank, found '" + id + "'");
      }
      if (annotations == null) {
        throw new IllegalArgumentException("object " + id + ": annotations must not be null (use an empty map)");
      }
      for (Map.Entry<String, Annotation> e : annotations.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          throw new IllegalArgumentException("object " + id + ": annotation frame and value must not be null, found "
              + e.getKey() + " -> " + e.getValue());
        }
      }
      annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }
  }

  /**
   * An object's annotation on one frame.
   *
   * @param instances its instance masks, at least one (VISOR: one per annotation entry; several when
   *     an object is in pieces); an empty mask is allowed (a degenerate polygon)
   * @param exhaustive VISOR's flag for this frame's annotation
   */
  public record Annotation(List<Mask> instances, Exhaustive exhaustive) {
    public Annotation {
      if (instances == null || instances.isEmpty()) {
        throw new IllegalArgumentException("annotation instances must list at least one mask, found " + instances);
      }
      for (Mask m : instances) {
        if (m == null) {
          throw new IllegalArgumentException("annotation instances must not contain null (use an empty mask)");
        }
      }
      if (exhaustive == null) {
        throw new IllegalArgumentException("annotation exhaustive flag must not be null");
      }
      instances = Collections.unmodifiableList(new ArrayList<>(instances));
    }

    /** A one-instance annotation. */
    public static Annotation of(Mask mask, Exhaustive exhaustive) {
      return new Annotation(List.of(mask), exhaustive);
    }
  }

  /**
   * VISOR's {@code exhaustive} flag: whether all instances of the entity were segmented ("n":
   * background instances of the same entity are present but unsegmented).
   */
  public enum Exhaustive {
    Y("y"),
    N("n"),
    INCONCLUSIVE("inconclusive");

    private final String json;

    Exhaustive(String json) {
      this.json = json;
    }

    /** The value as VISOR writes it: {@code y}, {@code n} or {@code inconclusive}. */
    public String json() {
      return json;
    }

    /**
     * Parses VISOR's value.
     *
     * @throws IllegalArgumentException naming the expected values
     */
    public static Exhaustive parse(String value) {
      for (Exhaustive e : values()) {
        if (e.json.equals(value)) {
          return e;
        }
      }
      throw new IllegalArgumentException(
          "exhaustive must be \"y\", \"n\" or \"inconclusive\", found " + (value == null ? "null" : "\"" + value + "\""));
    }
  }
}
