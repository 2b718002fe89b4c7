package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;

/**
 * Reads EgoTune's own {@code depth} layout (docs/data.md): {@code <split>/index.json}, frames in
 * {@code <split>/JPEGImages/<video>/<frame>.jpg|.png} and one depth label per frame in
 * {@code <split>/depth/<video>/<frame>.npy}. Every expression of a video becomes a record that
 * carries the video's depth files; a video without expressions becomes one depth-only record
 * (expression id {@value #DEPTH_ONLY_ID}, empty expression, no masks). The labels' values are read
 * and checked when frames are ({@code FrameFiles.toSample}); here only their presence.
 */
public final class DepthReader implements DatasetReader {

  /** The layout's name, and its records' source unless {@code prepare --source} names another. */
  public static final String SOURCE = "depth";

  /** The expression id of a video's depth-only record. */
  public static final String DEPTH_ONLY_ID = "depth";

  /** The index's {@code format} value and the {@code version} this reader knows. */
  static final String FORMAT = "egotune-depth";
  static final int VERSION = 1;

  /** A reader; the registry ({@code org.egotune.mixer.layout.DatasetLayouts}) holds the instance in use. */
  public DepthReader() {}

  @Override
  public ReadResult read(ReadRequest request) throws DatasetFormatException {
    Path index = request.splitDir().resolve("index.json");
    JsonNode root = ReaderSupport.requireObject(ReaderSupport.readJson(index), index, "(root)");
    JsonNode format = root.get("format");
    JsonNode version = root.get("version");
    if (format == null || !FORMAT.equals(format.asText()) || version == null
        || !version.isIntegralNumber() || version.intValue() != VERSION) {
      throw new DatasetFormatException(index + ": format/version: expected \"" + FORMAT + "\" version "
          + VERSION + ", found " + format + " version " + version);
    }
    JsonNode videos = ReaderSupport.requireObject(root.get("videos"), index, "videos");
    BadSamples bad = request.bad();
    List<ClipRecord> records = new ArrayList<>();
    int skipped = 0;
    for (String video : ReaderSupport.sortedKeys(videos, String::compareTo)) {
      JsonNode v = videos.get(video);
      String where = "videos." + video;
      List<String> frames;
      List<String> files;
      List<String> depthFiles;
      int[] hw;
      try {
        ReaderSupport.safeName(video, index, where);
        ReaderSupport.requireObject(v, index, where);
        frames = ReaderSupport.stringList(ReaderSupport.requireField(v, "frames", index, where), index,
            where + ".frames");
        if (frames.isEmpty()) {
          throw new DatasetFormatException(index + ": " + where + ".frames: empty (expected the clip's"
              + " frame names in temporal order)");
        }
        for (String f : frames) {
          ReaderSupport.safeName(f, index, where + ".frames");
        }
        files = ReaderSupport.toStrings(ReaderSupport.frameFiles(
            request.splitDir().resolve("JPEGImages").resolve(video), video, frames));
        depthFiles = depthFiles(request.splitDir().resolve("depth").resolve(video), video, frames);
        hw = ReaderSupport.imageSize(Path.of(files.get(0)));
      } catch (DatasetFormatException e) {
        ReaderSupport.rejectVideo(bad, video, v, e);
        continue;
      }
      JsonNode exps = v.get("expressions");
      if (exps == null || exps.isNull() || (exps.isObject() && exps.isEmpty())) {
        records.add(new ClipRecord(request.source(), video, DEPTH_ONLY_ID, "", List.of(), frames, files,
            Collections.nCopies(frames.size(), null), Set.of(), hw[0], hw[1], depthFiles));
        continue;
      }
      if (!exps.isObject()) {
        bad.reject(video, null, new DatasetFormatException(index + ": " + where
            + ".expressions: expected an object of expressions, found " + exps.getNodeType()));
        continue;
      }
      for (String expId : ReaderSupport.sortedKeys(exps, ReaderSupport.NUMERIC_AWARE)) {
        String ew = where + ".expressions." + expId;
        JsonNode e = exps.get(expId);
        String text;
        String objId;
        List<Rle> masks;
        try {
          ReaderSupport.requireObject(e, index, ew);
          JsonNode t = ReaderSupport.requireField(e, "exp", index, ew);
          if (!t.isTextual()) {
            throw new DatasetFormatException(index + ": " + ew + ".exp: expected a string, found "
                + t.getNodeType());
          }
          text = t.textValue();
          objId = ReaderSupport.idText(ReaderSupport.requireField(e, "obj_id", index, ew), index,
              ew + ".obj_id");
          masks = ReaderSupport.rleList(ReaderSupport.requireField(e, "masks", index, ew), index,
              ew + ".masks", frames, hw);
        } catch (DatasetFormatException ex) {
          bad.reject(video, expId, ex);
          continue;
        }
        Set<String> annotated = ReaderSupport.nonNullFrames(frames, masks);
        if (annotated.isEmpty()) {
          skipped++;
          bad.allNull(video, expId, index.toString(), ew + ".masks: null in every frame");
          continue;
        }
        records.add(new ClipRecord(request.source(), video, expId, text, List.of(objId), frames, files,
            masks, annotated, hw[0], hw[1], depthFiles));
      }
    }
    return new ReadResult(records, skipped);
  }

  /** {@code <dir>/<frame>.npy} for every frame, each of which must exist. */
  private static List<String> depthFiles(Path dir, String video, List<String> frames)
      throws DatasetFormatException {
    List<String> out = new ArrayList<>(frames.size());
    for (String f : frames) {
      Path p = dir.resolve(f + ".npy");
      if (!Files.isRegularFile(p)) {
        throw new DatasetFormatException(p + ": depth label not found (video " + video + ", frame " + f
            + "; expected a float32 .npy of the frame's height x width)");
      }
      out.add(p.toString());
    }
    return out;
  }
}
