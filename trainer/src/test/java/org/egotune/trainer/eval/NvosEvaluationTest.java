package org.egotune.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.reader.NvosBenchmarkFile;
import org.egotune.mixer.reader.NvosPredictions;
import org.egotune.trainer.metrics.NvosTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed fixture {@code nvos/} (hand-written: 4x4 masks as column-major COCO run lengths, B4 =
 * [0, 2, 2, 2, 10] the top-left 2x2 block, B6 = [0, 2, 2, 2, 2, 2, 6] the top-left 2x3 block, FAR4 =
 * [10, 2, 2, 2] the bottom-right 2x2 block) is NvosScorerTest's two-object narration n1 read from
 * files, plus n2 (one object, no prediction file) and n3 (no annotated frame). Per-frame values as
 * counted there: object 1 J = 5/9, F = 11/12; object 2 J = F = 1/3; object k J = F = 0.
 */
class NvosEvaluationTest {
  @TempDir Path tmp;

  private static Path fixture() throws Exception {
    return Path.of(NvosEvaluationTest.class.getResource("/nvos/benchmark.json").toURI()).getParent();
  }

  @Test
  void scoresPredictionFilesAgainstTheBenchmarkFile() throws Exception {
    List<NvosEvaluation.Clip> clips = NvosEvaluation.clips(NvosBenchmarkFile.read(fixture().resolve("benchmark.json")));
    NvosTable.Summary s = NvosEvaluation.score(clips, fixture().resolve("predictions"));
    // J = (5/9 + 1/3 + 0) / 3 = 8/27 -> 29.63; F = (11/12 + 1/3 + 0) / 3 = 5/12 -> 41.67;
    // J&F = (8/27 + 5/12) / 2 = 77/216 -> 35.65.
    assertEquals(new NvosTable.Row(3, 7, 35.65, 29.63, 41.67, 29.63, 29.63), s.overall());
    // y: object 1 on a, b (J 1/3, F 7/8) and k on x (0, 0): J = 1/6, F = 7/16, J&F = 29/96.
    assertEquals(new NvosTable.Row(2, 3, 30.21, 16.67, 43.75, 16.67, 16.67), s.byExhaustive().get("y"));
    assertEquals(new NvosTable.Row(1, 2, 50.0, 50.0, 50.0, 50.0, 50.0), s.byExhaustive().get("n"));
    assertEquals(3, s.narrations());
    assertEquals(1, s.skippedNarrations());
    assertEquals(1, s.ignoredPredictionFrames(), "object 1's prediction on frame z, which is not annotated");
  }

  @Test
  void aBadPredictionFileNamesTheFileAndKey() throws Exception {
    List<NvosEvaluation.Clip> clips = NvosEvaluation.clips(NvosBenchmarkFile.read(fixture().resolve("benchmark.json")));
    Path f = NvosPredictions.file(tmp, new NvosPredictions.Key("val", "P01_107", "n2", "k"));
    Files.createDirectories(f.getParent());
    Files.writeString(f, "{\"x\": {\"size\": [4, 4], \"counts\": [0, 2, 2]}}");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> NvosEvaluation.score(clips, tmp));
    assertTrue(e.getMessage().startsWith(f + ": x.counts: invalid COCO RLE: RLE runs sum to 4"), e.getMessage());
  }
}
