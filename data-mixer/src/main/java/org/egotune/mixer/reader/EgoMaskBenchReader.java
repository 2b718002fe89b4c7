package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;

/**
 * Reads the EgoMask benchmark ({@code subset/<split>/meta_expressions.json},
 * {@code annotations/<raw_clip>/<obj_id>.json}, {@code JPEGImages/{refego,egotracks}}) into records of
 * source {@code egomask-bench/<split>}.
 */
public final class EgoMaskBenchReader {

  /** The prefix of every record's source; the split name follows after a slash. */
  public static final String SOURCE_PREFIX = "egomask-bench/";

  /** The splits on disk, in the order {@code full} concatenates them. */
  public static final List<String> SPLITS = List.of("short", "medium", "long");

  /** The split name that means all of {@link #SPLITS}. */
  public static final String FULL = "full";

  private EgoMaskBenchReader() {}

  /**
   * Reads one split ({@code short}, {@code medium}, {@code long}) or {@code full}, which is the three
   * splits in that order, each record keeping its own split's source ({@code egomask-bench/short}, ...)
   * so that per-split scores stay computable from a full read.
   *
   * <p>A frame missing from an annotation dict is not annotated; a key with a null value is
   * annotated but absent; both give a {@code null} mask.
   *
   * @throws IllegalArgumentException if {@code split} is not one of the names above
   * @throws DatasetFormatException naming the file, key and expectation of the first problem found
   */
  public static List<ClipRecord> read(Path root, String split) throws DatasetFormatException {
    if (FULL.equals(split)) {
      List<ClipRecord> all = new ArrayList<>();
      for (String s : SPLITS) {
        all.addAll(readSplit(root, s));
      }
      return all;
    }
    if (!SPLITS.contains(split)) {
      throw new IllegalArgumentException(
          "unknown EgoMask split '" + split + "', expected one of short, medium, long, full");
    }
    return readSplit(root, split);
  }

  /**
   * The directory name of a video's frames and annotations: medium (and long) EgoTracks videos are
   * {@code <raw_clip>--<suffix>} views of one raw clip; short RefEgo names may contain {@code --} but
   * are their own directory.
   */
  static String rawClip(String split, String video) {
    if ("short".equals(split)) {
      return video;
    }
    int i = video.indexOf("--");
    return i > 0 ? video.substring(0, i) : video;
  }

  private static List<ClipRecord> readSplit(Path root, String split)
      throws DatasetFormatException {
    Path metaFile = root.resolve("subset").resolve(split).resolve("meta_expressions.json");
    Path framesRoot =
        root.resolve("JPEGImages").resolve("short".equals(split) ? "refego" : "egotracks");
    String source = SOURCE_PREFIX + split;
    List<ClipRecord> records = new ArrayList<>();
    for (ReaderSupport.MetaVideo v : ReaderSupport.readMeta(metaFile)) {
      String clip = rawClip(split, v.video());
      List<String> frames = v.frames();
      List<String> files =
          ReaderSupport.toStrings(
              ReaderSupport.frameFiles(framesRoot.resolve(clip), v.video(), frames));
      int[] hw = ReaderSupport.imageSize(Path.of(files.get(0)));
      // expressions of one object share its annotation file: parse it once
      Map<String, Annotation> perObject = new HashMap<>();
      for (ReaderSupport.Expression e : v.expressions()) {
        Annotation a = perObject.get(e.objId());
        if (a == null) {
          a = readAnnotation(root, metaFile, clip, v.video(), e, frames, hw);
          perObject.put(e.objId(), a);
        }
        records.add(
            new ClipRecord(source, v.video(), e.expId(), e.text(), List.of(e.objId()), frames,
                files, a.masks(), a.annotated(), hw[0], hw[1]));
      }
    }
    return records;
  }

  /** One object's ground truth: masks aligned with the frames (nulls allowed), annotated keys. */
  private record Annotation(List<Rle> masks, Set<String> annotated) {}

  private static Annotation readAnnotation(
      Path root, Path metaFile, String clip, String video, ReaderSupport.Expression e,
      List<String> frames, int[] hw) throws DatasetFormatException {
    // obj_id becomes a file name: it must not climb out of the annotations directory
    String objFile = ReaderSupport.safeName(e.objId(), metaFile, e.where() + ".obj_id") + ".json";
    Path file = root.resolve("annotations").resolve(clip).resolve(objFile);
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(
          file + ": annotation file not found (video " + video + ", expression " + e.expId()
              + ", obj_id " + e.objId() + ")");
    }
    JsonNode dict = ReaderSupport.requireObject(ReaderSupport.readJson(file), file, "(root)");
    List<Rle> masks = new ArrayList<>(frames.size());
    Set<String> annotated = new LinkedHashSet<>();
    for (String f : frames) {
      JsonNode m = dict.get(f);
      if (m == null) {
        masks.add(null);
        continue;
      }
      // keys outside the frame list are ignored, as the reference scorer does
      annotated.add(f);
      masks.add(m.isNull() ? null : ReaderSupport.parseRle(m, file, f, hw[0], hw[1]));
    }
    return new Annotation(masks, annotated);
  }
}
