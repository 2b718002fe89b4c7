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
public final class EgoMaskBenchReader implements DatasetReader {

  /** The prefix of every record's source; the split name follows after a slash. */
  public static final String SOURCE_PREFIX = "egomask-bench/";

  /** The splits on disk, in the order {@code full} concatenates them. */
  public static final List<String> SPLITS = List.of("short", "medium", "long");

  /** The split name that means all of {@link #SPLITS}. */
  public static final String FULL = "full";

  /** A reader; the registry ({@code org.egotune.mixer.layout.DatasetLayouts}) holds the instance in use. */
  public EgoMaskBenchReader() {}

  /**
   * Reads {@code request.split()} (as {@link #read(Path, String)}); records carry
   * {@code <request.source()>/<split>}, which is {@code egomask-bench/<split>} for the default
   * source. The request's bad-sample policy is not consulted: a benchmark is read whole or not at
   * all.
   */
  @Override
  public ReadResult read(ReadRequest request) throws DatasetFormatException {
    return new ReadResult(read(request.root(), request.split(), true, request.source() + "/"), 0);
  }

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
    return read(root, split, true, SOURCE_PREFIX);
  }

  /**
   * Like {@link #read} but without touching the frames: only {@code subset/} and
   * {@code annotations/} need to exist, which is all that scoring another model's predictions needs.
   * Frame files are reported where they would be; the frame size comes from the first mask of the
   * video's annotations.
   *
   * @throws DatasetFormatException also when no annotation of a video holds a mask, so that its
   *     frame size cannot be known without the frames
   */
  public static List<ClipRecord> readAnnotations(Path root, String split)
      throws DatasetFormatException {
    return read(root, split, false, SOURCE_PREFIX);
  }

  private static List<ClipRecord> read(Path root, String split, boolean withFrames, String prefix)
      throws DatasetFormatException {
    if (FULL.equals(split)) {
      List<ClipRecord> all = new ArrayList<>();
      for (String s : SPLITS) {
        all.addAll(readSplit(root, s, withFrames, prefix));
      }
      return all;
    }
    if (!SPLITS.contains(split)) {
      throw new IllegalArgumentException(
          "unknown EgoMask split '" + split + "', expected one of short, medium, long, full");
    }
    return readSplit(root, split, withFrames, prefix);
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

  private static List<ClipRecord> readSplit(Path root, String split, boolean withFrames,
      String prefix) throws DatasetFormatException {
    Path metaFile = root.resolve("subset").resolve(split).resolve("meta_expressions.json");
    Path framesRoot =
        root.resolve("JPEGImages").resolve("short".equals(split) ? "refego" : "egotracks");
    String source = prefix + split;
    List<ClipRecord> records = new ArrayList<>();
    for (ReaderSupport.MetaVideo v : ReaderSupport.readMeta(metaFile)) {
      String clip = rawClip(split, v.video());
      List<String> frames = v.frames();
      List<String> files;
      int[] hw;
      if (withFrames) {
        files = ReaderSupport.toStrings(
            ReaderSupport.frameFiles(framesRoot.resolve(clip), v.video(), frames));
        hw = ReaderSupport.imageSize(Path.of(files.get(0)));
      } else {
        files = new ArrayList<>(frames.size());
        for (String f : frames) {
          files.add(framesRoot.resolve(clip).resolve(f + ".jpg").toString());
        }
        hw = sizeFromAnnotations(root, clip, v);
      }
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

  /** The [height, width] of the first mask found in any of the video's annotation files. */
  private static int[] sizeFromAnnotations(Path root, String clip, ReaderSupport.MetaVideo v)
      throws DatasetFormatException {
    for (ReaderSupport.Expression e : v.expressions()) {
      Path file = root.resolve("annotations").resolve(clip).resolve(e.objId() + ".json");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode dict = ReaderSupport.requireObject(ReaderSupport.readJson(file), file, "(root)");
      for (JsonNode m : dict) {
        JsonNode size = m.get("size");
        if (size != null && size.isArray() && size.size() == 2 && size.get(0).canConvertToInt()
            && size.get(1).canConvertToInt() && size.get(0).asInt() > 0 && size.get(1).asInt() > 0) {
          return new int[] {size.get(0).asInt(), size.get(1).asInt()};
        }
      }
    }
    throw new DatasetFormatException(root.resolve("annotations").resolve(clip) + ": video "
        + v.video() + " has no mask in any annotation file, so its frame size is unknown without"
        + " its frames");
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
