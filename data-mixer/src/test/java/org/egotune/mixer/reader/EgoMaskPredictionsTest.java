package org.egotune.mixer.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgoMaskPredictionsTest {
  @TempDir Path tmp;

  @Test
  void writeThenReadRoundTripsAndKeepsOnlyNonEmptyFrames() throws Exception {
    Path bench = tmp.resolve("bench");
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, 5, 3, 4, 32, 32), bench);
    List<ClipRecord> records = EgoMaskBenchReader.read(bench, "full");
    ClipRecord r = records.get(records.size() - 1);
    Map<String, Rle> pred = new HashMap<>();
    boolean[] px = new boolean[32 * 32];
    px[5] = true;
    px[40] = true;
    pred.put(r.frameNames().get(0), Rle.encode(new Mask(32, 32, px)));
    pred.put(r.frameNames().get(1), Rle.empty(32, 32));
    Path root = tmp.resolve("preds");
    Path file = EgoMaskPredictions.write(root, r, pred);
    assertTrue(file.toString().endsWith(EgoMaskPredictions.splitOf(r) + "/" + r.video() + "/" + r.expId()
        + "/" + r.expId() + "-" + r.objIds().get(0) + ".json"), file.toString());
    Map<String, Rle> back = EgoMaskPredictions.read(root, r);
    assertEquals(Map.of(r.frameNames().get(0), pred.get(r.frameNames().get(0))), back,
        "empty masks are not written, as models write only non-empty frames");
  }

  @Test
  void annotationsAloneAreEnoughAndAMissingFileMeansNothingPredicted() throws Exception {
    Path bench = tmp.resolve("bench");
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, 6, 3, 4, 32, 32), bench);
    List<ClipRecord> withFrames = EgoMaskBenchReader.read(bench, "full");
    try (var s = Files.walk(bench.resolve("JPEGImages"))) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
    List<ClipRecord> annotations = EgoMaskBenchReader.readAnnotations(bench, "full");
    assertEquals(withFrames, annotations, "same records, frames not needed");
    assertEquals(Map.of(), EgoMaskPredictions.read(tmp.resolve("none"), annotations.get(0)));
  }

  @Test
  void aMaskOfTheWrongSizeIsAClearError() throws Exception {
    Path bench = tmp.resolve("bench");
    SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, 7, 3, 4, 32, 32), bench);
    ClipRecord r = EgoMaskBenchReader.read(bench, "short").get(0);
    Path f = EgoMaskPredictions.file(tmp, "short", r);
    Files.createDirectories(f.getParent());
    Files.writeString(f, "{\"" + r.frameNames().get(0) + "\": {\"size\": [16, 16], \"counts\": \"PP4\"}}");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> EgoMaskPredictions.read(tmp, r));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("16x16"), e.getMessage());
  }
}
