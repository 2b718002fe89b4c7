package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.Rle;

/**
 * An NVOS benchmark written as one JSON file of our own (not a VISOR-NVOS release format, which is
 * not public): per narration its clip's annotated frames and, per referred object, COCO RLE masks
 * and VISOR's {@code exhaustive} flag on the frames where it is annotated. Lets {@code evaluate
 * --kind nvos} score predictions without a VISOR reader; the schema is in docs/evaluation.md.
 *
 * <pre>
 * {"narrations": [{"id": "n0001", "split": "val", "video": "P01_107", "size": [h, w],
 *                  "text": "... [wooden spoon]&lt;5&gt; ...",            (optional, not scored)
 *                  "frames": ["P01_107_frame_0000000212", ...],
 *                  "objects": [{"id": "5", "annotations": {"P01_107_frame_0000000212":
 *                                 {"exhaustive": "y", "instances": [RLE, ...]}}}]}]}
 * </pre>
 */
public final class NvosBenchmarkFile {
  /** VISOR's values of {@code exhaustive}. */
  public static final List<String> EXHAUSTIVE_VALUES = List.of("y", "n", "inconclusive");

  private NvosBenchmarkFile() {}

  /**
   * One narration.
   *
   * @param split benchmark split
   * @param video VISOR video id
   * @param id narration id, unique in the file
   * @param height frame height
   * @param width frame width
   * @param frames annotated frames, in order, distinct (may be empty)
   * @param objects referred objects, at least one, distinct ids
   */
  public record Clip(String split, String video, String id, int height, int width, List<String> frames,
      List<Target> objects) {}

  /**
   * One referred object.
   *
   * @param id its id within the narration
   * @param annotations frame to its annotation there (frames of the clip only)
   */
  public record Target(String id, Map<String, Truth> annotations) {}

  /**
   * An object's annotation on one frame.
   *
   * @param exhaustive {@code y}, {@code n} or {@code inconclusive}
   * @param instances one RLE per instance, at least one
   */
  public record Truth(String exhaustive, List<Rle> instances) {}

  /**
   * Reads the file; every problem names the file, the key path and what was expected.
   *
   * @throws DatasetFormatException on malformed JSON or any schema violation
   */
  public static List<Clip> read(Path file) throws DatasetFormatException {
    JsonNode root = ReaderSupport.requireObject(ReaderSupport.readJson(file), file, "(root)");
    JsonNode list = ReaderSupport.requireField(root, "narrations", file, "(root)");
    if (!list.isArray()) {
      throw new DatasetFormatException(file + ": narrations: expected an array, found " + list.getNodeType());
    }
    List<Clip> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Clip c = clip(list.get(i), file, "narrations[" + i + "]");
      if (!ids.add(c.id())) {
        throw new DatasetFormatException(file + ": narrations[" + i + "].id: \"" + c.id()
            + "\" is used by an earlier narration (expected unique ids)");
      }
      out.add(c);
    }
    return Collections.unmodifiableList(out);
  }

  private static Clip clip(JsonNode n, Path file, String where) throws DatasetFormatException {
    ReaderSupport.requireObject(n, file, where);
    String id = name(n, "id", file, where);
    String split = name(n, "split", file, where);
    String video = name(n, "video", file, where);
    JsonNode size = ReaderSupport.requireField(n, "size", file, where);
    if (!size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt() || !size.get(1).canConvertToInt()
        || !size.get(0).isIntegralNumber() || !size.get(1).isIntegralNumber()
        || size.get(0).intValue() <= 0 || size.get(1).intValue() <= 0) {
      throw new DatasetFormatException(file + ": " + where + ".size: expected [height, width] of positive integers,"
          + " found " + size);
    }
    int h = size.get(0).intValue();
    int w = size.get(1).intValue();
    List<String> frames = ReaderSupport.stringList(ReaderSupport.requireField(n, "frames", file, where), file,
        where + ".frames");
    Set<String> frameSet = new HashSet<>();
    for (int i = 0; i < frames.size(); i++) {
      if (!frameSet.add(frames.get(i))) {
        throw new DatasetFormatException(file + ": " + where + ".frames[" + i + "]: \"" + frames.get(i)
            + "\" is listed twice (expected distinct frames)");
      }
    }
    JsonNode objs = ReaderSupport.requireField(n, "objects", file, where);
    if (!objs.isArray() || objs.isEmpty()) {
      throw new DatasetFormatException(file + ": " + where + ".objects: expected a non-empty array of referred"
          + " objects, found " + (objs.isArray() ? "an empty array" : objs.getNodeType()));
    }
    List<Target> objects = new ArrayList<>();
    Set<String> objectIds = new HashSet<>();
    for (int k = 0; k < objs.size(); k++) {
      String ow = where + ".objects[" + k + "]";
      JsonNode o = ReaderSupport.requireObject(objs.get(k), file, ow);
      String oid = name(o, "id", file, ow);
      if (!objectIds.add(oid)) {
        throw new DatasetFormatException(file + ": " + ow + ".id: \"" + oid
            + "\" is used by an earlier object of this narration (expected unique ids)");
      }
      JsonNode ann = ReaderSupport.requireObject(ReaderSupport.requireField(o, "annotations", file, ow), file,
          ow + ".annotations");
      Map<String, Truth> truths = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = ann.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String fw = ow + ".annotations." + e.getKey();
        if (!frameSet.contains(e.getKey())) {
          throw new DatasetFormatException(file + ": " + fw + ": frame is not among " + where
              + ".frames (expected an annotated frame of the narration)");
        }
        truths.put(e.getKey(), truth(e.getValue(), file, fw, h, w));
      }
      objects.add(new Target(oid, Collections.unmodifiableMap(truths)));
    }
    return new Clip(split, video, id, h, w, List.copyOf(frames), List.copyOf(objects));
  }

  private static Truth truth(JsonNode t, Path file, String where, int h, int w) throws DatasetFormatException {
    ReaderSupport.requireObject(t, file, where);
    JsonNode ex = ReaderSupport.requireField(t, "exhaustive", file, where);
    if (!ex.isTextual() || !EXHAUSTIVE_VALUES.contains(ex.textValue())) {
      throw new DatasetFormatException(file + ": " + where + ".exhaustive: expected \"y\", \"n\" or"
          + " \"inconclusive\", found " + ex);
    }
    JsonNode inst = ReaderSupport.requireField(t, "instances", file, where);
    if (!inst.isArray() || inst.isEmpty()) {
      throw new DatasetFormatException(file + ": " + where + ".instances: expected a non-empty array of COCO"
          + " RLE masks, found " + (inst.isArray() ? "an empty array" : inst.getNodeType()));
    }
    List<Rle> masks = new ArrayList<>();
    for (int i = 0; i < inst.size(); i++) {
      masks.add(ReaderSupport.parseRle(inst.get(i), file, where + ".instances[" + i + "]", h, w));
    }
    return new Truth(ex.textValue(), List.copyOf(masks));
  }

  /** A string field that becomes a path segment of the predictions layout. */
  private static String name(JsonNode parent, String key, Path file, String where) throws DatasetFormatException {
    JsonNode v = ReaderSupport.requireField(parent, key, file, where);
    return ReaderSupport.safeName(ReaderSupport.idText(v, file, where + "." + key), file, where + "." + key);
  }
}
