package org.egotune.mixer.reader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.PaletteMasks;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;

/**
 * Reads the Ref-YouTube-VOS layout ({@code <split>/JPEGImages}, palette-PNG
 * {@code <split>/Annotations}, {@code meta_expressions/<split>/meta_expressions.json}); Ref-DAVIS17
 * converted to this layout is read by the same class (registered as {@code ref-davis}).
 */
public final class RefYoutubeVosReader implements DatasetReader {

  /** The source name of Ref-YouTube-VOS records. */
  public static final String SOURCE = "ref-youtube-vos";

  /** The source name of Ref-DAVIS17 records (same layout). */
  public static final String SOURCE_DAVIS = "ref-davis";

  /** A reader; the registry ({@code org.egotune.mixer.layout.DatasetLayouts}) holds the instances in use. */
  public RefYoutubeVosReader() {}

  /**
   * Reads every expression of one split ({@code meta_expressions/<split>/meta_expressions.json},
   * {@code <split>/JPEGImages}, {@code <split>/Annotations}). A frame with an annotation PNG gets the
   * object's mask (an empty {@link Rle} when the object has no pixel there) and counts as annotated;
   * a frame without a PNG gets {@code null}. Pixel value 255 (DAVIS void) and 0 (background) are
   * never objects. A sample that cannot be used goes to the request's {@code bad}: a malformed meta
   * entry, a missing or unreadable frame, an annotation that is not a palette PNG or has another
   * size (every expression of that video), an object id outside 1..254, and an object with no pixel
   * in any annotation of its video (no mask anywhere). A split released without annotations
   * (Ref-YouTube-VOS {@code valid}) has no {@code Annotations} folder: an error naming it.
   */
  @Override
  public ReadResult read(ReadRequest request) throws DatasetFormatException {
    BadSamples bad = request.bad();
    String sourceName = request.source();
    Path metaFile = request.metaExpressionsFile();
    Path framesRoot = request.splitDir().resolve("JPEGImages");
    Path annRoot = request.splitDir().resolve("Annotations");
    List<ReaderSupport.MetaVideo> meta = ReaderSupport.readMeta(metaFile, true, bad);
    if (!Files.isDirectory(annRoot)) {
      throw new DatasetFormatException(annRoot + ": annotation folder not found (split "
          + request.split() + " has no ground truth here; expected <video>/<frame>.png palette masks)");
    }
    List<ClipRecord> records = new ArrayList<>();
    for (ReaderSupport.MetaVideo v : meta) {
      // object ids of this video, validated; each PNG is then decoded once for all of them
      Map<String, Integer> objIds = new LinkedHashMap<>();
      List<ReaderSupport.Expression> usable = new ArrayList<>();
      for (ReaderSupport.Expression e : v.expressions()) {
        try {
          objIds.put(e.objId(), paletteId(e, metaFile, v.video()));
          usable.add(e);
        } catch (DatasetFormatException ex) {
          bad.reject(v.video(), e.expId(), ex);
        }
      }
      List<String> frames = v.frames();
      List<String> files;
      int[] hw;
      Map<String, List<Rle>> masks = new LinkedHashMap<>();
      Set<String> annotated = new LinkedHashSet<>();
      try {
        files = ReaderSupport.toStrings(
            ReaderSupport.frameFiles(framesRoot.resolve(v.video()), v.video(), frames));
        hw = ReaderSupport.imageSize(Path.of(files.get(0)));
        decodeAnnotations(annRoot.resolve(v.video()), v.video(), frames, hw, objIds, masks, annotated);
      } catch (DatasetFormatException e) {
        ReaderSupport.rejectVideo(bad, new ReaderSupport.MetaVideo(v.video(), frames, usable), e);
        continue;
      }
      for (ReaderSupport.Expression e : usable) {
        List<Rle> m = masks.get(e.objId());
        if (!hasPixel(m)) {
          bad.reject(v.video(), e.expId(), new DatasetFormatException(
              annRoot.resolve(v.video()) + ": object " + e.objId() + " (" + metaFile.getFileName()
                  + " videos." + v.video() + ".expressions." + e.expId() + ".obj_id) has no pixel in"
                  + " any of the video's " + annotated.size() + " annotation PNGs (expected a mask in"
                  + " at least one frame)"));
          continue;
        }
        records.add(
            new ClipRecord(sourceName, v.video(), e.expId(), e.text(), List.of(e.objId()), frames,
                files, m, annotated, hw[0], hw[1]));
      }
    }
    return new ReadResult(records, 0);
  }

  /** Fills {@code masks} (object id -> per-frame RLE) and {@code annotated} from a video's PNGs. */
  private static void decodeAnnotations(Path annDir, String video, List<String> frames, int[] hw,
      Map<String, Integer> objIds, Map<String, List<Rle>> masks, Set<String> annotated)
      throws DatasetFormatException {
    for (String id : objIds.keySet()) {
      masks.put(id, new ArrayList<>(frames.size()));
    }
    for (String f : frames) {
      Path png = annDir.resolve(f + ".png");
      if (!Files.isRegularFile(png)) {
        for (List<Rle> l : masks.values()) {
          l.add(null);
        }
        continue;
      }
      annotated.add(f);
      PaletteMasks.IndexedImage img;
      try {
        img = PaletteMasks.read(png);
      } catch (IOException e) {
        // PaletteMasks' messages start with the file, as every reader error does
        throw new DatasetFormatException(e.getMessage() + " (video " + video + ", frame " + f + ")", e);
      }
      if (img.height() != hw[0] || img.width() != hw[1]) {
        throw new DatasetFormatException(
            png + ": annotation is " + img.height() + "x" + img.width() + " but the frames of video "
                + video + " are " + hw[0] + "x" + hw[1] + " (height x width)");
      }
      for (Map.Entry<String, Integer> id : objIds.entrySet()) {
        masks.get(id.getKey()).add(Rle.encode(img.maskOf(id.getValue())));
      }
    }
  }

  private static boolean hasPixel(List<Rle> masks) {
    for (Rle r : masks) {
      if (r != null && r.area() > 0) {
        return true;
      }
    }
    return false;
  }

  private static int paletteId(ReaderSupport.Expression e, Path metaFile, String video)
      throws DatasetFormatException {
    String where = metaFile + ": videos." + video + ".expressions." + e.expId() + ".obj_id";
    int id;
    try {
      id = Integer.parseInt(e.objId().trim());
    } catch (NumberFormatException ex) {
      throw new DatasetFormatException(
          where + ": expected an integer palette index, found \"" + e.objId() + "\"", ex);
    }
    if (id <= 0 || id >= PaletteMasks.VOID_INDEX) {
      throw new DatasetFormatException(
          where + ": expected an object id in 1..254 (0 is background, 255 is void), found " + id);
    }
    return id;
  }
}
