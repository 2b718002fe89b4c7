package org.egotune.mixer.visor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.egotune.mixer.reader.DatasetFormatException;

/**
 * Parses VISOR's annotation JSON (sparse {@code annotations/<split>/<video>.json} and dense
 * {@code <video>_interpolations.json}: {@code {"video_annotations": [{"image": {...},
 * "annotations": [...]}]}}) in three steps, so a caller can reject one entry or one object and
 * keep the rest: {@link #entries} (the file), {@link #frame} (one entry), {@link #object} (one
 * annotation). Every error is a {@link DatasetFormatException} starting with the file, then the
 * key, then what was expected.
 */
public final class VisorJson {

  /**
   * Strict about structure (no trailing tokens, no duplicate keys) but reading {@code NaN} and
   * {@code Infinity}, which Python's json module writes, so that one bad coordinate is one bad
   * sample instead of an unreadable file.
   */
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /** A frame file name: {@code <video>_frame_<10 digits>.jpg}. */
  private static final Pattern FRAME_NAME = Pattern.compile("^(.+)_frame_(\\d{10})\\.jpg$");

  private VisorJson() {}

  /**
   * The {@code video_annotations} entries of {@code file}.
   *
   * @throws DatasetFormatException when the file is missing, is not JSON or has no
   *     {@code video_annotations} array
   */
  public static List<JsonNode> entries(Path file) throws DatasetFormatException {
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(file + ": file not found");
    }
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(file + ": malformed JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DatasetFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new DatasetFormatException(file + ": empty file (expected a JSON document)");
    }
    if (!root.isObject()) {
      throw new DatasetFormatException(file + ": (root): expected an object with \"video_annotations\", found "
          + root.getNodeType());
    }
    JsonNode list = root.get("video_annotations");
    if (list == null || !list.isArray()) {
      throw new DatasetFormatException(file + ": video_annotations: expected an array of frame entries, found "
          + (list == null ? "nothing" : list.getNodeType()));
    }
    List<JsonNode> out = new ArrayList<>(list.size());
    list.forEach(out::add);
    return out;
  }

  /** Entry {@code index} of {@link #entries}: its {@code image} fields and raw annotations. */
  public static VisorFrame frame(JsonNode entry, int index, Path file) throws DatasetFormatException {
    String where = "video_annotations[" + index + "]";
    requireObject(entry, file, where);
    JsonNode image = requireObject(entry.get("image"), file, where + ".image");
    String name = text(image, "name", file, where + ".image", true);
    Matcher m = FRAME_NAME.matcher(name);
    if (!m.matches()) {
      throw new DatasetFormatException(file + ": " + where + ".image.name: \"" + name
          + "\" is not a VISOR frame name (expected <video>_frame_<10 digits>.jpg)");
    }
    String video = text(image, "video", file, where + ".image", true);
    if (!m.group(1).equals(video)) {
      throw new DatasetFormatException(file + ": " + where + ".image.name: frame " + name
          + " is not a frame of image.video " + video);
    }
    JsonNode interp = image.get("interpolation");
    String interpolation = null;
    if (interp != null && !interp.isNull()) {
      if (!interp.isTextual() && !interp.isIntegralNumber()) {
        throw new DatasetFormatException(file + ": " + where + ".image.interpolation: expected a string or"
            + " integer id, found " + interp.getNodeType());
      }
      interpolation = interp.asText();
    }
    JsonNode anns = entry.get("annotations");
    if (anns == null || !anns.isArray()) {
      throw new DatasetFormatException(file + ": " + where + ".annotations: expected an array of masks, found "
          + (anns == null ? "nothing" : anns.getNodeType()));
    }
    List<JsonNode> annotations = new ArrayList<>(anns.size());
    anns.forEach(annotations::add);
    return new VisorFrame(index, name.substring(0, name.length() - ".jpg".length()),
        Long.parseLong(m.group(2)), video, text(image, "image_path", file, where + ".image", false),
        text(image, "subsequence", file, where + ".image", false), interpolation, annotations);
  }

  /**
   * One annotation of a frame, its polygons checked: {@code segments} must be a list of polygons,
   * each a list of {@code [x, y]} points with finite numbers (an empty polygon is allowed).
   *
   * @param where its key, e.g. {@code video_annotations[3].annotations[1]}
   */
  public static VisorObject object(JsonNode ann, Path file, String where) throws DatasetFormatException {
    requireObject(ann, file, where);
    String name = text(ann, "name", file, where, true);
    JsonNode segs = ann.get("segments");
    String sWhere = where + ".segments";
    if (segs == null || !segs.isArray()) {
      throw new DatasetFormatException(file + ": " + sWhere + ": expected a list of polygons, found "
          + (segs == null ? "nothing" : segs.getNodeType()));
    }
    List<double[]> polygons = new ArrayList<>(segs.size());
    for (int p = 0; p < segs.size(); p++) {
      JsonNode poly = segs.get(p);
      String pWhere = sWhere + "[" + p + "]";
      if (!poly.isArray()) {
        throw new DatasetFormatException(file + ": " + pWhere + ": wrong nesting: expected a polygon (a list"
            + " of [x, y] points), found " + poly.getNodeType());
      }
      double[] xy = new double[poly.size() * 2];
      for (int k = 0; k < poly.size(); k++) {
        JsonNode pt = poly.get(k);
        String kWhere = pWhere + "[" + k + "]";
        if (!pt.isArray() || pt.size() != 2) {
          throw new DatasetFormatException(file + ": " + kWhere + ": wrong nesting: expected a point [x, y],"
              + " found " + (pt.isArray() ? "an array of " + pt.size() : pt.getNodeType().toString())
              + " (segments is a list of polygons, each a list of [x, y] points)");
        }
        for (int c = 0; c < 2; c++) {
          JsonNode v = pt.get(c);
          if (!v.isNumber()) {
            throw new DatasetFormatException(file + ": " + kWhere + "[" + c + "]: expected a number, found "
                + v.getNodeType() + " " + v);
          }
          double d = v.doubleValue();
          if (!Double.isFinite(d) || Math.abs(d) > VisorRaster.MAX_ABS_COORDINATE) {
            throw new DatasetFormatException(file + ": " + kWhere + "[" + c + "]: coordinate " + v.asText()
                + " is not a finite pixel coordinate (expected a number within +-"
                + (long) VisorRaster.MAX_ABS_COORDINATE + ")");
          }
          xy[2 * k + c] = d;
        }
      }
      polygons.add(xy);
    }
    JsonNode id = ann.get("id");
    JsonNode cls = ann.get("class_id");
    Integer classId = null;
    if (cls != null && !cls.isNull()) {
      if (!cls.isIntegralNumber() || !cls.canConvertToInt()) {
        throw new DatasetFormatException(file + ": " + where + ".class_id: expected an integer, found " + cls);
      }
      classId = cls.intValue();
    }
    return new VisorObject(id == null || id.isNull() ? null : id.asText(), name, classId,
        text(ann, "exhaustive", file, where, false), polygons,
        text(ann, "in_contact_object", file, where, false));
  }

  private static JsonNode requireObject(JsonNode n, Path file, String where) throws DatasetFormatException {
    if (n == null || !n.isObject()) {
      throw new DatasetFormatException(file + ": " + where + ": expected an object, found "
          + (n == null ? "nothing" : n.getNodeType()));
    }
    return n;
  }

  private static String text(JsonNode parent, String key, Path file, String where, boolean required)
      throws DatasetFormatException {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new DatasetFormatException(file + ": " + where + ": missing \"" + key + "\"");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new DatasetFormatException(file + ": " + where + "." + key + ": expected a string, found "
          + v.getNodeType());
    }
    return v.textValue();
  }
}
