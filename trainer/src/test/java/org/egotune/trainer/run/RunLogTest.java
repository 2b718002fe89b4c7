package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.plot.LinePlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl and loss.png through Hadoop's local file system. */
class RunLogTest {
  @TempDir java.nio.file.Path tmp;
  private final Configuration conf = new Configuration();

  private static RoundMetrics round(int r) {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("ego", 4L * r * 5);
    counts.put("exo", 1L * r * 5);
    // Odd rounds carry a time split, even ones none (as lines written before it was recorded).
    RoundTimes times = r % 2 == 1 ? new RoundTimes(0.01 * r, 0.4 + r, 0.003, 0.02, 0.001, r == 1 ? 0.25 : 0, 1.5 + r) : null;
    return new RoundMetrics(r, 5 * r, 40, 1.0 / r, 100.0 + r, 25L * r, 2.0 * r, counts, times);
  }

  private RunLog logWith(int rounds) {
    RunLog log = RunLog.fresh(conf, new Path(tmp.toUri()));
    for (int r = 1; r <= rounds; r++) {
      log.add(round(r));
    }
    return log;
  }

  private List<String> fileLines() throws IOException {
    return Files.readAllLines(tmp.resolve(RunLog.FILE));
  }

  @Test
  void writesOneJsonObjectPerRoundWithEveryField() throws Exception {
    logWith(3).write();
    List<String> lines = fileLines();
    assertEquals(3, lines.size());
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertEquals(List.of("round", "step", "totalSteps", "loss", "samplesPerSec", "samplesSeen",
        "elapsedSeconds", "realisedCounts", "time"), iterableToList(first.fieldNames()));
    assertEquals(List.of("broadcastSec", "computeSec", "reduceSec", "schedulingSec", "updateSec",
        "checkpointSec", "totalSec", "overheadShare"), iterableToList(first.get("time").fieldNames()));
    // round 1: compute 1.4 of 2.5 s
    assertEquals(1 - 1.4 / 2.5, first.get("time").get("overheadShare").asDouble(), 1e-12);
    assertEquals(false, new ObjectMapper().readTree(lines.get(1)).has("time"), "round 2 has no split");
    assertEquals(5, first.get("step").asInt());
    assertEquals(20, first.get("realisedCounts").get("ego").asLong());
    assertEquals(List.of("ego", "exo"), iterableToList(first.get("realisedCounts").fieldNames()),
        "counts keep the mix order");
    RunLog back = RunLog.open(conf, new Path(tmp.toUri()), Integer.MAX_VALUE);
    assertEquals(List.of(round(1), round(2), round(3)), back.lines());
    assertEquals(6.0, back.elapsedSeconds());
    assertFalse(Files.exists(tmp.resolve(RunLog.TMP)), "the temporary file was renamed away");
  }

  @Test
  void resumeKeepsTheLinesUpToTheResumedStepAndContinues() throws Exception {
    logWith(5).write(); // steps 5..25; the run resumes from a checkpoint at step 15
    RunLog resumed = RunLog.open(conf, new Path(tmp.toUri()), 15);
    assertEquals(List.of(round(1), round(2), round(3)), resumed.lines());
    resumed.add(round(4));
    resumed.write();
    assertEquals(4, fileLines().size());
    assertEquals(0, RunLog.open(conf, new Path(tmp.toUri()), 0).lines().size(), "--resume with no checkpoint");
  }

  @Test
  void aFailureBeforeTheReplaceLeavesTheOldFileWhole() throws Exception {
    logWith(2).write();
    List<String> before = fileLines();
    RunLog longer = logWith(4);
    IOException e = assertThrows(IOException.class,
        () -> longer.write(() -> { throw new IOException("simulated crash"); }));
    assertEquals("simulated crash", e.getMessage());
    assertEquals(before, fileLines(), "metrics.jsonl is untouched");
    assertEquals(2, RunLog.open(conf, new Path(tmp.toUri()), 100).lines().size(),
        "a reader ignores the temporary file while the real one exists");
    longer.write();
    assertEquals(4, fileLines().size(), "the next write replaces the leftover temporary file");
  }

  @Test
  void aCrashBetweenDeleteAndRenameIsRecoveredFromTheCompleteTemporaryFile() throws Exception {
    logWith(3).write();
    Files.move(tmp.resolve(RunLog.FILE), tmp.resolve(RunLog.TMP));
    assertEquals(3, RunLog.open(conf, new Path(tmp.toUri()), 100).lines().size());
  }

  @Test
  void aCorruptLineIsRefusedWithFileAndLine() throws Exception {
    Files.writeString(tmp.resolve(RunLog.FILE), "{\"round\": 1}\n");
    IOException e = assertThrows(IOException.class, () -> RunLog.open(conf, new Path(tmp.toUri()), 10));
    assertTrue(e.getMessage().contains("metrics.jsonl line 1"), e.getMessage());
  }

  @Test
  void roundMetricsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new RoundMetrics(0, 5, 10, 1, 1, 1, 1, Map.of(), null));
    assertThrows(IllegalArgumentException.class, () -> new RoundMetrics(1, 11, 10, 1, 1, 1, 1, Map.of(), null));
  }

  @Test
  void lossPlotIsWrittenInTheSeriesColour() throws Exception {
    logWith(6).writePlot();
    BufferedImage img = ImageIO.read(tmp.resolve(RunLog.PLOT).toFile());
    assertEquals(900, img.getWidth());
    int loss = LinePlot.colour(0).getRGB() & 0xFFFFFF;
    boolean found = false;
    for (int y = 0; y < img.getHeight() && !found; y++) {
      for (int x = 0; x < img.getWidth() && !found; x++) {
        found = (img.getRGB(x, y) & 0xFFFFFF) == loss;
      }
    }
    assertTrue(found, "the loss curve is drawn");
  }

  private static List<String> iterableToList(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void validatedRoundsKeepTheirMetricsAndGetAPlot() throws Exception {
    RunLog log = RunLog.fresh(conf, new Path(tmp.toUri()));
    log.add(round(1));
    RoundMetrics r = round(2);
    Map<String, Double> val = new LinkedHashMap<>();
    val.put("J&F", 41.5);
    val.put("IoU_gold_with_pred", 12.25);
    log.add(new RoundMetrics(r.round(), r.step(), r.totalSteps(), r.loss(), r.samplesPerSec(),
        r.samplesSeen(), r.elapsedSeconds(), r.realisedCounts(), r.times(), val));
    log.write();
    log.writePlot();
    List<String> lines = fileLines();
    assertFalse(lines.get(0).contains("validation"), "a round without validation has no key");
    assertEquals(12.25, new ObjectMapper().readTree(lines.get(1)).get("validation")
        .get("IoU_gold_with_pred").asDouble());
    RunLog back = RunLog.open(conf, new Path(tmp.toUri()), Integer.MAX_VALUE);
    assertEquals(val, back.lines().get(1).validation());
    BufferedImage img = ImageIO.read(tmp.resolve(RunLog.VALIDATION_PLOT).toFile());
    assertTrue(img.getWidth() > 100);
  }

  @Test
  void noValidationNoValidationPlot() throws Exception {
    logWith(2).writePlot();
    assertTrue(Files.exists(tmp.resolve(RunLog.PLOT)));
    assertFalse(Files.exists(tmp.resolve(RunLog.VALIDATION_PLOT)));
  }
}
