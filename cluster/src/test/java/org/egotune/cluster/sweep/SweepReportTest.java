package org.egotune.cluster.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepReportTest {
  @TempDir Path tmp;

  static PointResult point(double share, long seed, double gwp) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("IoU_gold_with_pred", gwp);
    m.put("IoU_gold", gwp + 1);
    m.put("IoU_all", 50.0);
    m.put("J&F", 60.0);
    long ego = Math.round(100 * share);
    return new PointResult(share, seed, Map.of("ego", share, "exo", 1 - share),
        Map.of("ego", ego, "exo", 100 - ego), 100, Map.of("full", m), Map.of("IoU_all", 70.0, "J&F", 72.0),
        1.0, "ckpt");
  }

  @Test
  void meanAndSampleStdOverSeedsAndTheBestRow() {
    List<PointResult> ps = List.of(point(0.0, 1, 10), point(0.0, 2, 14), point(0.8, 1, 30), point(0.8, 2, 34));
    List<SweepReport.Row> rows = SweepReport.rows(ps, "ego");
    assertEquals(2, rows.size());
    double[] gwp = rows.get(1).columns().get("full IoU_gold_with_pred");
    assertEquals(32.0, gwp[0], 1e-12);
    assertEquals(Math.sqrt(8), gwp[1], 1e-12, "sample std of {30, 34}");
    assertEquals(0.8, rows.get(1).columns().get("realised ego share")[0], 1e-12);
    assertEquals(1, SweepReport.best(rows));
    String md = SweepReport.markdown(rows);
    assertTrue(md.contains("| **best** 0.80 | 2 |"), md);
    assertTrue(md.contains("32.00 ± 2.83"), md);
    String csv = SweepReport.csv(rows);
    assertTrue(csv.startsWith("ego_share,seeds,best,realised_ego_share_mean"), csv);
    assertTrue(csv.contains("full_JandF_mean"), csv);
  }

  @Test
  void statsSkipNaN() {
    assertArrayEquals(new double[] {2, 0}, SweepReport.stats(new double[] {2, Double.NaN}), 1e-12);
    assertTrue(Double.isNaN(SweepReport.stats(new double[] {Double.NaN})[0]));
  }

  @Test
  void writesTableCsvAndAPlot() throws Exception {
    SweepReport.write(List.of(point(0.0, 1, 10), point(0.5, 1, 20), point(1.0, 1, 15)), "ego", tmp);
    BufferedImage img = ImageIO.read(tmp.resolve("plot.png").toFile());
    assertEquals(900, img.getWidth());
    assertTrue(Files.readString(tmp.resolve("table.md")).contains("**best** 0.50"));
    assertEquals(4, Files.readAllLines(tmp.resolve("table.csv")).size());
  }

  @Test
  void mixKeepsTheExoProportionsAndSumsToOne() {
    Map<String, Double> base = new LinkedHashMap<>();
    base.put("ego", 0.8);
    base.put("a", 0.15);
    base.put("b", 0.05);
    Map<String, Double> m = SweepRunner.mixFor(base, "ego", 0.4);
    assertEquals(0.4, m.get("ego"), 1e-12);
    assertEquals(0.45, m.get("a"), 1e-12);
    assertEquals(0.15, m.get("b"), 1e-12);
    assertEquals(1.0, m.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
    assertEquals(0.0, SweepRunner.mixFor(base, "ego", 0.0).get("ego"), 0);
    assertThrows(IllegalArgumentException.class, () -> SweepRunner.mixFor(Map.of("ego", 1.0), "ego", 0.5));
  }

  @Test
  void configRejectsBadGrids() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SweepConfig(List.of(0.2, 1.4), List.of(1L), "ego", 1, "out", ""));
    assertTrue(e.getMessage().contains("sweep.shares"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new SweepConfig(List.of(0.2, 0.2), List.of(1L), "ego", 1, "out", ""));
    assertThrows(IllegalArgumentException.class,
        () -> new SweepConfig(List.of(0.2), List.of(1L), "ego", 0, "out", ""));
  }
}
