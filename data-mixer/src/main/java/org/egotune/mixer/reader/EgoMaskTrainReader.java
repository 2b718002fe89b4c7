package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads EgoMask-Train ({@code meta_expressions/<split>/meta_expressions.json},
 * {@code <split>/mask_dict.json}, {@code <split>/JPEGImages}) into records of the requested source
 * ({@code egomask-train} by default).
 */
public final class EgoMaskTrainReader implements DatasetReader {

  /** The layout's name, and its records' source unless {@code prepare --source} names another. */
  public static final String SOURCE = "egomask-train";

  private static final Logger LOG = LoggerFactory.getLogger(EgoMaskTrainReader.class);

  /**
   * A Python tuple repr {@code ('<video>', '<obj_id>')}: either element may use either quote style
   * (Python switches to double quotes when the text holds a single quote), and the object id may be
   * a bare integer.
   */
  private static final Pattern TUPLE_KEY =
      Pattern.compile(
          "^\\(\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")\\s*,\\s*"
              + "(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))\\s*\\)$");

  /** A reader; the registry ({@code org.egotune.mixer.layout.DatasetLayouts}) holds the instance in use. */
  public EgoMaskTrainReader() {}

  /**
   * Reads one split of an EgoMask-Train root ({@code meta_expressions/<split>/meta_expressions.json},
   * {@code <split>/mask_dict.json}, {@code <split>/JPEGImages}). Frames are taken in name order,
   * because that is the order the {@code mask_dict} lists are aligned with; videos come sorted by
   * name and expressions by id. A sample that cannot be used (a malformed entry, a missing frame,
   * an object missing from the mask dict, an invalid RLE) goes to the request's {@code bad}; an
   * expression whose object is null in every frame is skipped and recorded there under either
   * policy.
   */
  @Override
  public ReadResult read(ReadRequest request) throws DatasetFormatException {
    Path root = request.root();
    BadSamples bad = request.bad();
    String source = request.source();
    Path metaFile = request.metaExpressionsFile();
    Path maskFile = request.splitDir().resolve("mask_dict.json");
    Path framesRoot = request.splitDir().resolve("JPEGImages");
    List<ReaderSupport.MetaVideo> meta = ReaderSupport.readMeta(metaFile, true, bad);
    Map<String, Map<String, JsonNode>> maskDict = parseMaskDict(maskFile, bad);

    List<ClipRecord> records = new ArrayList<>();
    int skipped = 0;
    for (ReaderSupport.MetaVideo v : meta) {
      List<String> frames = new ArrayList<>(v.frames());
      frames.sort(String::compareTo);
      Path dir = framesRoot.resolve(v.video());
      List<String> files;
      int[] hw;
      try {
        files = ReaderSupport.toStrings(ReaderSupport.frameFiles(dir, v.video(), frames));
        hw = ReaderSupport.imageSize(Path.of(files.get(0)));
      } catch (DatasetFormatException e) {
        ReaderSupport.rejectVideo(bad, v, e);
        continue;
      }
      Map<String, JsonNode> objects = maskDict.getOrDefault(v.video(), Map.of());
      // several expressions usually share one object: decode its masks once
      Map<String, List<Rle>> decoded = new HashMap<>();
      for (ReaderSupport.Expression e : v.expressions()) {
        String key = "('" + v.video() + "', '" + e.objId() + "')";
        List<Rle> masks;
        try {
          JsonNode list = objects.get(e.objId());
          if (list == null) {
            throw new DatasetFormatException(
                maskFile + ": no key " + key + " for video " + v.video() + " expression "
                    + e.expId() + " (obj_id " + e.objId() + " in " + metaFile.getFileName()
                    + "; expected the object's list of per-frame masks)");
          }
          masks = decoded.get(e.objId());
          if (masks == null) {
            masks = ReaderSupport.rleList(list, maskFile, key, frames, hw);
            decoded.put(e.objId(), masks);
          }
        } catch (DatasetFormatException ex) {
          bad.reject(v.video(), e.expId(), ex);
          continue;
        }
        Set<String> annotated = ReaderSupport.nonNullFrames(frames, masks);
        if (annotated.isEmpty()) {
          skipped++;
          bad.allNull(v.video(), e.expId(), maskFile.toString(),
              key + ": null in every frame (the released recipes skip such expressions)");
          LOG.debug("video {} expression {}: object {} is null in every frame; skipped",
              v.video(), e.expId(), e.objId());
          continue;
        }
        records.add(
            new ClipRecord(source, v.video(), e.expId(), e.text(), List.of(e.objId()), frames,
                files, masks, annotated, hw[0], hw[1]));
      }
    }
    if (skipped > 0) {
      LOG.info("{}: skipped {} expression(s) whose object is null in every frame", root, skipped);
    }
    return new ReadResult(records, skipped);
  }

  /** mask_dict.json as video -> obj_id -> per-frame list (still JSON: decoded on demand). */
  private static Map<String, Map<String, JsonNode>> parseMaskDict(Path file, BadSamples bad)
      throws DatasetFormatException {
    JsonNode root = ReaderSupport.requireObject(ReaderSupport.readJson(file), file, "(root)");
    Map<String, Map<String, JsonNode>> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> en = it.next();
      Matcher m = TUPLE_KEY.matcher(en.getKey().trim());
      if (!m.matches()) {
        bad.reject(null, null, en.getKey(), new DatasetFormatException(
            file + ": key " + en.getKey() + ": expected a Python tuple repr ('<video>', '<obj_id>')"));
        continue;
      }
      String video = unescape(m.group(1) != null ? m.group(1) : m.group(2));
      String obj =
          m.group(3) != null ? unescape(m.group(3))
              : m.group(4) != null ? unescape(m.group(4)) : m.group(5);
      out.computeIfAbsent(video, k -> new HashMap<>()).put(obj, en.getValue());
    }
    return out;
  }

  /** Undoes Python repr's backslash escapes of quotes and backslashes. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        c = s.charAt(++i);
      }
      b.append(c);
    }
    return b.toString();
  }
}
