package org.egotune.trainer.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.reader.NvosBenchmarkFile;
import org.egotune.mixer.reader.NvosPredictions;
import org.egotune.trainer.metrics.NvosNarration;
import org.egotune.trainer.metrics.NvosScore;
import org.egotune.trainer.metrics.NvosScorer;
import org.egotune.trainer.metrics.NvosTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores NVOS predictions files ({@link NvosPredictions}) against narrations, whatever reader built
 * them: one {@link NvosNarration} per clip, plus the split and video that place its prediction files.
 */
public final class NvosEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(NvosEvaluation.class);

  private NvosEvaluation() {}

  /**
   * A narration with where its predictions live.
   *
   * @param split benchmark split (first path segment of the predictions layout)
   * @param video VISOR video id (second segment)
   * @param narration the ground truth; its id is the third segment
   */
  public record Clip(String split, String video, NvosNarration narration) {
    public Clip {
      if (split == null || video == null || narration == null) {
        throw new IllegalArgumentException("split, video and narration must not be null");
      }
    }
  }

  /** The narrations of a benchmark file ({@link NvosBenchmarkFile}), masks decoded. */
  public static List<Clip> clips(List<NvosBenchmarkFile.Clip> file) {
    List<Clip> out = new ArrayList<>(file.size());
    for (NvosBenchmarkFile.Clip c : file) {
      List<NvosNarration.Target> objects = new ArrayList<>();
      for (NvosBenchmarkFile.Target t : c.objects()) {
        Map<String, NvosNarration.Annotation> ann = new LinkedHashMap<>();
        t.annotations().forEach((frame, truth) -> {
          List<Mask> masks = new ArrayList<>();
          truth.instances().forEach(r -> masks.add(r.decode()));
          ann.put(frame, new NvosNarration.Annotation(masks, NvosNarration.Exhaustive.parse(truth.exhaustive())));
        });
        objects.add(new NvosNarration.Target(t.id(), ann));
      }
      out.add(new Clip(c.split(), c.video(), new NvosNarration(c.id(), c.height(), c.width(), c.frames(), objects)));
    }
    return out;
  }

  /**
   * Scores the predictions under {@code root} (a missing file is an object predicted nowhere).
   *
   * @throws DatasetFormatException naming the file and key of a bad prediction file
   * @throws IllegalStateException when no object has an annotated frame
   */
  public static NvosTable.Summary score(List<Clip> clips, Path root) throws DatasetFormatException {
    NvosTable table = new NvosTable();
    int files = 0;
    int missing = 0;
    for (Clip c : clips) {
      NvosNarration n = c.narration();
      Set<String> annotated = new HashSet<>(n.frames());
      int ignored = 0;
      Map<String, Map<String, Mask>> pred = new LinkedHashMap<>();
      for (NvosNarration.Target t : n.objects()) {
        NvosPredictions.Key key = new NvosPredictions.Key(c.split(), c.video(), n.id(), t.id());
        files++;
        if (!Files.isRegularFile(NvosPredictions.file(root, key))) {
          missing++;
          continue;
        }
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (Map.Entry<String, Rle> e : NvosPredictions.read(root, key, n.height(), n.width()).entrySet()) {
          if (e.getValue() == null) {
            continue;
          }
          // Models may predict every frame of the clip; only annotated frames are decoded and scored.
          if (annotated.contains(e.getKey())) {
            masks.put(e.getKey(), e.getValue().decode());
          } else {
            ignored++;
          }
        }
        pred.put(t.id(), masks);
      }
      NvosScore s = NvosScorer.score(n, pred);
      table.add(new NvosScore(s.narration(), s.frames(), s.objects(), s.ignoredPredictionFrames() + ignored));
    }
    if (missing > 0) {
      LOG.warn("{} of {} referred objects have no prediction file under {}: scored as predicted nowhere",
          missing, files, root);
    }
    return table.summary();
  }
}
