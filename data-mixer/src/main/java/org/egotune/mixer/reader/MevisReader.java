package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads MeViS ({@code <split>/meta_expressions.json}, {@code <split>/mask_dict.json},
 * {@code <split>/JPEGImages}) into records of the requested source ({@code mevis} by default); an
 * expression's target is the union of the masks of its {@code anno_id}s.
 */
public final class MevisReader implements DatasetReader {

  /** The layout's name, and its records' source unless {@code prepare --source} names another. */
  public static final String SOURCE = "mevis";

  private static final Logger LOG = LoggerFactory.getLogger(MevisReader.class);

  /** A reader; the registry ({@code org.egotune.mixer.layout.DatasetLayouts}) holds the instance in use. */
  public MevisReader() {}

  /**
   * Reads one split of a MeViS root ({@code <split>/meta_expressions.json},
   * {@code <split>/mask_dict.json}, {@code <split>/JPEGImages}). Each {@code mask_dict} list is
   * aligned with the video's {@code frames} as listed in the meta file. A frame's target mask is the
   * OR of the anno_ids' masks there (the official scorer adds them, so overlaps are 2: anything
   * above 0 is foreground), {@code null} when every one of them is null; the annotated frames are
   * those with a non-null target. Records carry the expression's {@code obj_id}s; videos come
   * sorted by name and expressions by id. A sample that cannot be used goes to the request's
   * {@code bad}; an expression whose target is null in every frame is skipped and recorded there
   * under either policy. A split released without masks (MeViS {@code valid}) has no
   * {@code mask_dict.json}: an error naming that file.
   */
  @Override
  public ReadResult read(ReadRequest request) throws DatasetFormatException {
    Path root = request.root();
    BadSamples bad = request.bad();
    String source = request.source();
    Path splitDir = request.splitDir();
    Path metaFile = splitDir.resolve("meta_expressions.json");
    Path maskFile = splitDir.resolve("mask_dict.json");
    Path framesRoot = splitDir.resolve("JPEGImages");
    List<ReaderSupport.MetaVideo> meta = ReaderSupport.readMeta(metaFile, false, bad);
    JsonNode dict = ReaderSupport.requireObject(ReaderSupport.readJson(maskFile), maskFile, "(root)");

    List<ClipRecord> records = new ArrayList<>();
    int skipped = 0;
    for (ReaderSupport.MetaVideo v : meta) {
      List<String> frames = v.frames();
      List<String> files;
      int[] hw;
      try {
        files = ReaderSupport.toStrings(
            ReaderSupport.frameFiles(framesRoot.resolve(v.video()), v.video(), frames));
        hw = ReaderSupport.imageSize(Path.of(files.get(0)));
      } catch (DatasetFormatException e) {
        ReaderSupport.rejectVideo(bad, v, e);
        continue;
      }
      // an object is usually referred to by several expressions: decode its masks once per video
      Map<Integer, List<Rle>> decoded = new HashMap<>();
      for (ReaderSupport.Expression e : v.expressions()) {
        List<Integer> objIds;
        List<Integer> annoIds;
        List<Rle> target;
        try {
          objIds = intList(e, "obj_id", metaFile);
          annoIds = intList(e, "anno_id", metaFile);
          if (objIds.size() != annoIds.size()) {
            throw new DatasetFormatException(
                metaFile + ": " + e.where() + ": obj_id has " + objIds.size() + " entries but anno_id "
                    + annoIds.size() + " (expected one anno_id per obj_id)");
          }
          target = new ArrayList<>(frames.size());
          for (int t = 0; t < frames.size(); t++) {
            target.add(null);
          }
          for (int anno : annoIds) {
            List<Rle> masks = decoded.get(anno);
            if (masks == null) {
              String key = "\"" + anno + "\"";
              JsonNode list = dict.get(Integer.toString(anno));
              if (list == null) {
                throw new DatasetFormatException(
                    maskFile + ": no key " + key + " (anno_id of video " + v.video() + " expression "
                        + e.expId() + " in " + metaFile.getFileName()
                        + "; expected a list of per-frame masks)");
              }
              masks = ReaderSupport.rleList(list, maskFile, key, frames, hw);
              decoded.put(anno, masks);
            }
            for (int t = 0; t < frames.size(); t++) {
              Rle m = masks.get(t);
              Rle acc = target.get(t);
              if (m != null) {
                target.set(t, acc == null ? m : Rle.union(acc, m));
              }
            }
          }
        } catch (DatasetFormatException ex) {
          bad.reject(v.video(), e.expId(), ex);
          continue;
        }
        Set<String> annotated = ReaderSupport.nonNullFrames(frames, target);
        if (annotated.isEmpty()) {
          skipped++;
          bad.allNull(v.video(), e.expId(), maskFile.toString(), "anno_ids " + annoIds
              + ": null in every frame (the released recipes skip such expressions)");
          LOG.debug("video {} expression {}: anno_ids {} are null in every frame; skipped",
              v.video(), e.expId(), annoIds);
          continue;
        }
        List<String> objIdText = new ArrayList<>(objIds.size());
        objIds.forEach(id -> objIdText.add(Integer.toString(id)));
        records.add(
            new ClipRecord(source, v.video(), e.expId(), e.text(), objIdText, frames, files, target,
                annotated, hw[0], hw[1]));
      }
    }
    if (skipped > 0) {
      LOG.info("{}: skipped {} expression(s) whose target is null in every frame", root, skipped);
    }
    return new ReadResult(records, skipped);
  }

  /** A non-empty JSON array of integers, field {@code key} of the expression. */
  private static List<Integer> intList(ReaderSupport.Expression e, String key, Path metaFile)
      throws DatasetFormatException {
    String where = metaFile + ": " + e.where() + "." + key;
    JsonNode a = ReaderSupport.requireField(e.node(), key, metaFile, e.where());
    if (!a.isArray() || a.isEmpty()) {
      throw new DatasetFormatException(
          where + ": expected a non-empty list of integer ids, found "
              + (a.isArray() ? "an empty list" : a.getNodeType() + " " + a));
    }
    List<Integer> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      JsonNode x = a.get(i);
      if (!x.isIntegralNumber() || !x.canConvertToInt() || x.intValue() < 0) {
        throw new DatasetFormatException(
            where + "[" + i + "]: expected a non-negative integer id, found " + x.getNodeType() + " "
                + x);
      }
      out.add(x.intValue());
    }
    return out;
  }
}
