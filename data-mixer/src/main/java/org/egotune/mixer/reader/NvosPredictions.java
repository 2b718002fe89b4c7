package org.egotune.mixer.reader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.egotune.mixer.mask.Rle;

/**
 * NVOS predictions of another model, in a layout mirroring {@link EgoMaskPredictions}' (EgoMask's
 * own): one JSON per referred object,
 * {@code <root>/<split>/<video>/<narration>/<narration>-<object>.json}, a dict from frame name to COCO
 * RLE ({@code {"size": [h, w], "counts": string | [int...]}}) or null, normally holding only the
 * frames where the object is predicted. A missing file means the model predicted the object nowhere.
 * Independent of how the benchmark itself is stored: callers name the file by its {@link Key}.
 */
public final class NvosPredictions {
  private NvosPredictions() {}

  /**
   * Names one referred object's prediction file; each part becomes one path segment.
   *
   * @param split benchmark split (e.g. {@code val})
   * @param video the VISOR video the narration's clip comes from (e.g. {@code P01_107})
   * @param narration narration (clip) id
   * @param object the referred object's id within the narration (e.g. the tag {@code k} of
   *     {@code [phrase]<k>})
   */
  public record Key(String split, String video, String narration, String object) {
    public Key {
      check("split", split);
      check("video", video);
      check("narration", narration);
      check("object", object);
    }

    private static void check(String field, String v) {
      if (!ReaderSupport.isPlainName(v)) {
        throw new IllegalArgumentException(field + " must be a plain file name (no '/', '\\' or NUL, not '.'"
            + " or '..'), found " + (v == null ? "null" : "\"" + v + "\""));
      }
    }
  }

  /** The prediction file of {@code key} under {@code root}. */
  public static Path file(Path root, Key key) {
    return root.resolve(key.split()).resolve(key.video()).resolve(key.narration())
        .resolve(key.narration() + "-" + key.object() + ".json");
  }

  /**
   * Reads one object's predictions: frame name to mask (null where the file has null); an empty map
   * when there is no file.
   *
   * @throws DatasetFormatException naming the file and the frame key when the JSON is malformed, the
   *     root is not an object, a value is not an RLE object or null, or a mask is not
   *     {@code height x width}
   */
  public static Map<String, Rle> read(Path root, Key key, int height, int width) throws DatasetFormatException {
    Path p = file(root, key);
    if (!Files.isRegularFile(p)) {
      return Map.of();
    }
    return EgoMaskPredictions.readDict(p, height, width);
  }

  /**
   * Writes one object's predictions, the non-empty masks of the frames in {@code order}, atomically.
   */
  public static Path write(Path root, Key key, Iterable<String> order, Map<String, Rle> masks) {
    return EgoMaskPredictions.writeDict(file(root, key), order, masks);
  }
}
