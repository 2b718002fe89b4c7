package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;

/**
 * Predictions in the layout EgoMask's own scorer reads:
 * {@code <root>/<split>/<video>/<exp_id>/<exp_id>-<obj_id>.json}, a dict from frame name to COCO RLE
 * with compressed-string counts, holding only the frames whose predicted mask is non-empty. Lets
 * users score any model's output with EgoTune's scorer, and EgoTune's output with the reference.
 *
 * <p>For a record of split {@code s} the file is looked up under {@code <root>/<s>/}, then under
 * {@code <root>/full/} (a run scored as {@code full} may keep all videos there). A missing file
 * means the model predicted nothing for that expression: every frame empty.
 */
public final class EgoMaskPredictions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EgoMaskPredictions() {}

  /** The prediction file of {@code r} under {@code root/split}. */
  public static Path file(Path root, String split, ClipRecord r) {
    String obj = r.objIds().isEmpty() ? "0" : r.objIds().get(0);
    Path p = root.resolve(split).resolve(r.video()).resolve(r.expId()).resolve(r.expId() + "-" + obj + ".json");
    if (!p.normalize().startsWith(root.normalize())) {
      throw new IllegalArgumentException("video " + r.video() + " / expression " + r.expId()
          + " would point outside the predictions root " + root);
    }
    return p;
  }

  /**
   * Reads the prediction dict of {@code r} (frame name to mask, only non-empty frames); an empty map
   * when the model wrote no file for it.
   *
   * @throws DatasetFormatException naming the file and key when the JSON or an RLE is malformed or a
   *     mask's size differs from the record's frames
   */
  public static Map<String, Rle> read(Path root, ClipRecord r) throws DatasetFormatException {
    String split = splitOf(r);
    Path p = file(root, split, r);
    if (!Files.isRegularFile(p)) {
      Path full = file(root, "full", r);
      if (!Files.isRegularFile(full)) {
        return Map.of();
      }
      p = full;
    }
    return readDict(p, r.height(), r.width());
  }

  /**
   * A prediction file's dict, frame name to RLE (null where the file has null), every mask checked to
   * be {@code height x width}; shared with {@link NvosPredictions}, whose files have the same form.
   */
  static Map<String, Rle> readDict(Path p, int height, int width) throws DatasetFormatException {
    JsonNode dict = ReaderSupport.requireObject(ReaderSupport.readJson(p), p, "(root)");
    Map<String, Rle> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = dict.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().isNull() ? null
          : ReaderSupport.parseRle(e.getValue(), p, e.getKey(), height, width));
    }
    return out;
  }

  /**
   * Writes the prediction dict of {@code r} (only non-empty masks are written, as models do),
   * atomically: a temporary file renamed into place.
   */
  public static Path write(Path root, ClipRecord r, Map<String, Rle> masks) {
    return writeDict(file(root, splitOf(r), r), r.frameNames(), masks);
  }

  /**
   * Writes {@code masks} of the frames in {@code order} that are non-empty to {@code p} (compressed
   * counts), atomically: a temporary file renamed into place. Shared with {@link NvosPredictions}.
   */
  static Path writeDict(Path p, Iterable<String> order, Map<String, Rle> masks) {
    ObjectNode dict = JSON.createObjectNode();
    for (String f : order) {
      Rle m = masks.get(f);
      if (m != null && m.area() > 0) {
        ObjectNode rle = dict.putObject(f);
        rle.putArray("size").add(m.height()).add(m.width());
        rle.put("counts", m.toCompressedString());
      }
    }
    try {
      Files.createDirectories(p.getParent());
      Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(dict));
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write predictions " + p + ": " + e.getMessage(), e);
    }
  }

  /** The split of a benchmark record: the part of its source after {@code egomask-bench/}. */
  public static String splitOf(ClipRecord r) {
    String src = r.source();
    return src.startsWith(EgoMaskBenchReader.SOURCE_PREFIX)
        ? src.substring(EgoMaskBenchReader.SOURCE_PREFIX.length()) : src;
  }
}
