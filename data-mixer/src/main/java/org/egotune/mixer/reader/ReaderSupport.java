package org.egotune.mixer.reader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.FrameHeader;

/** Helpers shared by the readers: JSON with located errors, frame files, COCO RLE nodes. */
final class ReaderSupport {

  /**
   * Strict where the defaults are lenient: trailing garbage after the root value (a concatenated or
   * half-overwritten file) and duplicate keys (which silently keep the last) are errors.
   */
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Expression ids and frame names: numeric ids compare as numbers ("2" before "10"), and numbers
   * come before any non-numeric id, so the order is stable whatever the id style.
   */
  static final Comparator<String> NUMERIC_AWARE =
      (a, b) -> {
        Long x = asLong(a);
        Long y = asLong(b);
        if (x != null && y != null) {
          int c = Long.compare(x, y);
          return c != 0 ? c : a.compareTo(b);
        }
        if (x != null) {
          return -1;
        }
        if (y != null) {
          return 1;
        }
        return a.compareTo(b);
      };

  /** The frame file extensions tried, in order. */
  static final List<String> FRAME_EXTENSIONS = List.of(".jpg", ".png");

  private ReaderSupport() {}

  private static Long asLong(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return null;
      }
    }
    return Long.parseLong(s);
  }

  /** Parses a JSON file; a missing file or a syntax error is reported with the file's path. */
  static JsonNode readJson(Path file) throws DatasetFormatException {
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(file + ": file not found");
    }
    try {
      JsonNode n = MAPPER.readTree(file.toFile());
      if (n == null || n.isMissingNode()) {
        throw new DatasetFormatException(file + ": empty file (expected a JSON document)");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(
          file + ": malformed JSON at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new DatasetFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** {@code node} must be a JSON object; {@code where} is its dotted key path inside {@code file}. */
  static JsonNode requireObject(JsonNode node, Path file, String where)
      throws DatasetFormatException {
    if (node == null || node.isMissingNode()) {
      throw new DatasetFormatException(file + ": " + where + ": missing (expected an object)");
    }
    if (!node.isObject()) {
      throw new DatasetFormatException(
          file + ": " + where + ": expected an object, found " + node.getNodeType());
    }
    return node;
  }

  /**
   * A video, frame or object name that becomes one path segment under the dataset root: anything
   * that could climb out of it or into a subdirectory ({@code ..}, {@code /}, a backslash or NUL)
   * is refused, so a hostile meta file cannot make a reader open files elsewhere.
   */
  static String safeName(String name, Path file, String where) throws DatasetFormatException {
    if (!isPlainName(name)) {
      throw new DatasetFormatException(
          file + ": " + where + ": \"" + name + "\" is not a plain file name (expected no '/',"
              + " '\\' or NUL and not '.' or '..'; it must not leave the dataset root)");
    }
    return name;
  }

  /** True when {@code name} is one path segment that stays in its directory (see {@link #safeName}). */
  static boolean isPlainName(String name) {
    return name != null
        && !name.isEmpty()
        && !name.equals(".")
        && !name.equals("..")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0
        && name.indexOf('\0') < 0;
  }

  /** Child {@code key} of object {@code parent}, which must exist and not be null. */
  static JsonNode requireField(JsonNode parent, String key, Path file, String where)
      throws DatasetFormatException {
    JsonNode v = parent.get(key);
    if (v == null || v.isNull()) {
      throw new DatasetFormatException(file + ": " + where + ": missing \"" + key + "\"");
    }
    return v;
  }

  /** A JSON string or integer as text (ids are written either way by the releases). */
  static String idText(JsonNode v, Path file, String where) throws DatasetFormatException {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    throw new DatasetFormatException(
        file + ": " + where + ": expected a string or integer id, found " + v.getNodeType());
  }

  /** A JSON array of strings. */
  static List<String> stringList(JsonNode v, Path file, String where)
      throws DatasetFormatException {
    if (!v.isArray()) {
      throw new DatasetFormatException(
          file + ": " + where + ": expected an array of frame names, found " + v.getNodeType());
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        throw new DatasetFormatException(
            file + ": " + where + "[" + i + "]: expected a string, found " + e.getNodeType());
      }
      out.add(e.textValue());
    }
    return out;
  }

  /** The field names of an object, sorted with {@code order}. */
  static List<String> sortedKeys(JsonNode object, Comparator<String> order) {
    List<String> keys = new ArrayList<>(object.size());
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    keys.sort(order);
    return keys;
  }

  /**
   * The file of frame {@code frame} in {@code dir}: {@code <frame>.jpg}, else {@code <frame>.png}.
   *
   * @throws DatasetFormatException naming the expected file when neither exists
   */
  static Path frameFile(Path dir, String video, String frame) throws DatasetFormatException {
    for (String ext : FRAME_EXTENSIONS) {
      Path p = dir.resolve(frame + ext);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DatasetFormatException(
        dir.resolve(frame + ".jpg") + ": frame file not found (video " + video + ", frame " + frame
            + "; also tried .png)");
  }

  /** All frame files of a video, aligned with {@code frames}. */
  static List<Path> frameFiles(Path dir, String video, List<String> frames)
      throws DatasetFormatException {
    List<Path> out = new ArrayList<>(frames.size());
    for (String f : frames) {
      out.add(frameFile(dir, video, f));
    }
    return out;
  }

  /** [height, width] of an image, read from its header only (no pixel decoding). */
  static int[] imageSize(Path file) throws DatasetFormatException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      int[] hw = FrameHeader.size(in);
      if (hw != null) {
        return hw;
      }
    } catch (IOException e) {
      throw new DatasetFormatException(file + ": cannot read image header: " + e.getMessage(), e);
    }
    throw new DatasetFormatException(file + ": not a readable image (expected a JPEG or PNG frame)");
  }

  /**
   * Parses a COCO RLE node {@code {"size": [h, w], "counts": string | [int...]}} and checks its size
   * against the frame's.
   */
  static Rle parseRle(JsonNode node, Path file, String where, int frameHeight, int frameWidth)
      throws DatasetFormatException {
    requireObject(node, file, where);
    JsonNode size = requireField(node, "size", file, where);
    if (!size.isArray()
        || size.size() != 2
        || !size.get(0).isIntegralNumber()
        || !size.get(1).isIntegralNumber()) {
      throw new DatasetFormatException(
          file + ": " + where + ".size: expected [height, width], found " + size);
    }
    int h = size.get(0).intValue();
    int w = size.get(1).intValue();
    if (h != frameHeight || w != frameWidth) {
      throw new DatasetFormatException(
          file + ": " + where + ": mask size is " + h + "x" + w + " but the frame is "
              + frameHeight + "x" + frameWidth + " (height x width)");
    }
    JsonNode counts = requireField(node, "counts", file, where);
    try {
      if (counts.isTextual()) {
        return Rle.fromCompressedString(h, w, counts.textValue());
      }
      if (counts.isArray()) {
        int[] c = new int[counts.size()];
        for (int i = 0; i < c.length; i++) {
          JsonNode e = counts.get(i);
          if (!e.isIntegralNumber() || !e.canConvertToInt()) {
            throw new IllegalArgumentException("run " + i + " is not an integer: " + e);
          }
          c[i] = e.intValue();
        }
        return new Rle(h, w, c);
      }
    } catch (IllegalArgumentException e) {
      throw new DatasetFormatException(
          file + ": " + where + ".counts: invalid COCO RLE: " + e.getMessage(), e);
    }
    throw new DatasetFormatException(
        file + ": " + where + ".counts: expected a compressed string or a list of run lengths, found "
            + counts.getNodeType());
  }

  /**
   * The frames whose mask is not null, in frame order: the annotated frames of a layout whose
   * ground truth is one list entry per frame, where null means "no annotation".
   */
  static Set<String> nonNullFrames(List<String> frames, List<Rle> masks) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < frames.size(); i++) {
      if (masks.get(i) != null) {
        out.add(frames.get(i));
      }
    }
    return out;
  }

  /**
   * A {@code mask_dict} value: one COCO RLE or null per frame, aligned with {@code frames}.
   *
   * @param key the dict key, as it should appear in error messages
   */
  static List<Rle> rleList(JsonNode list, Path maskFile, String key, List<String> frames, int[] hw)
      throws DatasetFormatException {
    if (!list.isArray()) {
      throw new DatasetFormatException(
          maskFile + ": " + key + ": expected a list of per-frame masks, found " + list.getNodeType());
    }
    if (list.size() != frames.size()) {
      throw new DatasetFormatException(
          maskFile + ": " + key + ": has " + list.size() + " entries, expected one per frame ("
              + frames.size() + ")");
    }
    List<Rle> out = new ArrayList<>(frames.size());
    for (int i = 0; i < frames.size(); i++) {
      JsonNode m = list.get(i);
      out.add(
          m.isNull()
              ? null
              : parseRle(m, maskFile, key + "[" + i + "] (frame " + frames.get(i) + ")", hw[0], hw[1]));
    }
    return out;
  }

  /**
   * One parsed {@code meta_expressions.json} expression.
   *
   * @param objId the scalar {@code obj_id}, or null when the meta was read without parsing it
   * @param node the expression's JSON object, for layout-specific fields (MeViS's id lists)
   * @param where its dotted key path in the meta file, for error messages
   */
  record Expression(String expId, String text, String objId, JsonNode node, String where) {}

  /** One parsed {@code meta_expressions.json} video. */
  record MetaVideo(String video, List<String> frames, List<Expression> expressions) {}

  /**
   * Parses the shared {@code meta_expressions.json} schema
   * {@code {"videos": {vid: {"frames": [...], "expressions": {id: {"exp", "obj_id"}}}}}}, videos
   * sorted by name and expressions by id (numeric-aware). Any problem is an error.
   */
  static List<MetaVideo> readMeta(Path file) throws DatasetFormatException {
    return readMeta(file, true, BadSamples.failing("meta"));
  }

  /**
   * As {@link #readMeta(Path)}; with {@code scalarObjId} false, {@code obj_id} is left to the
   * caller ({@link Expression#objId()} is null), for layouts where it is a list. A malformed video
   * or expression entry goes to {@code bad} (every expression of a malformed video); a file that
   * cannot be parsed at all, or has no {@code videos} object, is always an error.
   */
  static List<MetaVideo> readMeta(Path file, boolean scalarObjId, BadSamples bad)
      throws DatasetFormatException {
    JsonNode root = requireObject(readJson(file), file, "(root)");
    JsonNode videos = requireObject(root.get("videos"), file, "videos");
    List<MetaVideo> out = new ArrayList<>();
    for (String vid : sortedKeys(videos, Comparator.naturalOrder())) {
      String vWhere = "videos." + vid;
      List<String> frames;
      JsonNode exps;
      try {
        safeName(vid, file, vWhere);
        JsonNode v = requireObject(videos.get(vid), file, vWhere);
        frames = stringList(requireField(v, "frames", file, vWhere), file, vWhere + ".frames");
        if (frames.isEmpty()) {
          throw new DatasetFormatException(file + ": " + vWhere + ".frames: expected at least one frame");
        }
        for (int i = 0; i < frames.size(); i++) {
          safeName(frames.get(i), file, vWhere + ".frames[" + i + "]");
        }
        if (new HashSet<>(frames).size() != frames.size()) {
          throw new DatasetFormatException(
              file + ": " + vWhere + ".frames: a frame name is listed twice (expected distinct names)");
        }
        exps = requireObject(v.get("expressions"), file, vWhere + ".expressions");
      } catch (DatasetFormatException e) {
        rejectVideo(bad, vid, videos.get(vid), e);
        continue;
      }
      List<Expression> expressions = new ArrayList<>();
      for (String expId : sortedKeys(exps, NUMERIC_AWARE)) {
        String eWhere = vWhere + ".expressions." + expId;
        try {
          JsonNode e = requireObject(exps.get(expId), file, eWhere);
          JsonNode text = requireField(e, "exp", file, eWhere);
          if (!text.isTextual()) {
            throw new DatasetFormatException(
                file + ": " + eWhere + ".exp: expected a string, found " + text.getNodeType());
          }
          String objId =
              scalarObjId
                  ? idText(requireField(e, "obj_id", file, eWhere), file, eWhere + ".obj_id")
                  : null;
          expressions.add(new Expression(expId, text.textValue(), objId, e, eWhere));
        } catch (DatasetFormatException e) {
          bad.reject(vid, expId, e);
        }
      }
      out.add(new MetaVideo(vid, frames, expressions));
    }
    return out;
  }

  /**
   * Every expression of a video that cannot be used as a whole goes to {@code bad}: one entry per
   * expression id when they can still be listed, else one for the video.
   */
  static void rejectVideo(BadSamples bad, String video, JsonNode videoNode, DatasetFormatException e)
      throws DatasetFormatException {
    JsonNode exps = videoNode == null ? null : videoNode.get("expressions");
    if (exps == null || !exps.isObject() || exps.isEmpty()) {
      bad.reject(video, null, e);
      return;
    }
    for (String expId : sortedKeys(exps, NUMERIC_AWARE)) {
      bad.reject(video, expId, e);
    }
  }

  /** As {@link #rejectVideo(BadSamples, String, JsonNode, DatasetFormatException)} for a parsed video. */
  static void rejectVideo(BadSamples bad, MetaVideo v, DatasetFormatException e)
      throws DatasetFormatException {
    if (v.expressions().isEmpty()) {
      bad.reject(v.video(), null, e);
      return;
    }
    for (Expression x : v.expressions()) {
      bad.reject(v.video(), x.expId(), e);
    }
  }

  /** Paths as the strings {@link org.egotune.mixer.record.ClipRecord} keeps. */
  static List<String> toStrings(List<Path> paths) {
    List<String> out = new ArrayList<>(paths.size());
    for (Path p : paths) {
      out.add(p.toString());
    }
    return out;
  }
}
