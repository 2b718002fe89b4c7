package org.egotune.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.mixer.mask.Mask;
import org.junit.jupiter.api.Test;

class MetricTableTest {

  private static ExpressionScore score(double j, double gold, double goldWithPred, double f) {
    return new ExpressionScore(j, gold, goldWithPred, f, 0.5, 0.25, 1.0 / 3.0, 0.75, 10);
  }

  @Test
  void roundsTheDoublesExactExpansionHalfEven() {
    // Expected values are Python's round(x * 100, 2).
    // 0.12345 * 100 = 12.3450000000000006394... (just above the tie) -> 12.35;
    // rounding the decimal string "12.345" half-even would wrongly give 12.34.
    assertEquals(12.35, MetricTable.percent(0.12345), 0.0);
    // 0.12125 * 100 is exactly 12.125, a true tie -> even digit 12.12 (half-up would give 12.13).
    assertEquals(12.12, MetricTable.percent(0.12125), 0.0);
    // 0.12375 * 100 is exactly 12.375 -> 12.38.
    assertEquals(12.38, MetricTable.percent(0.12375), 0.0);
    assertEquals(12.34, MetricTable.percent(0.1234499999), 0.0);
    assertEquals(100.0, MetricTable.percent(1.0), 0.0);
    assertEquals(0.0, MetricTable.percent(0.0), 0.0);
    assertTrue(Double.isNaN(MetricTable.percent(Double.NaN)));
  }

  @Test
  void uniformMeanOverExpressionsTimes100() {
    MetricTable t = new MetricTable();
    t.add(score(0.2, 0.1, 0.3, 0.1));
    t.add(score(0.4, 0.3, 0.5, 0.15));
    MetricTable.Summary s = t.summary();
    assertEquals(2, s.expressions());
    // (0.2 + 0.4) / 2 = 0.30000000000000004 -> 30.0; (0.1 + 0.15) / 2 = 0.125 -> 12.5.
    assertEquals(30.0, s.J(), 0.0);
    assertEquals(30.0, s.iouAll(), 0.0);
    assertEquals(12.5, s.F(), 0.0);
    assertEquals(21.25, s.JandF(), 0.0);
    assertEquals(20.0, s.iouGold(), 0.0);
    assertEquals(40.0, s.iouGoldWithPred(), 0.0);
    assertEquals(50.0, s.tPrecision(), 0.0);
    assertEquals(25.0, s.tRecall(), 0.0);
    assertEquals(33.33, s.tF1(), 0.0);
    assertEquals(75.0, s.tAccuracy(), 0.0);
    assertEquals(Map.of(), s.skipped());
  }

  @Test
  void jandFComesFromTheUnroundedMeans() {
    MetricTable t = new MetricTable();
    t.add(score(0.12345, 0.0, 0.0, 0.12125));
    MetricTable.Summary s = t.summary();
    assertEquals(12.35, s.J(), 0.0);
    assertEquals(12.12, s.F(), 0.0);
    // Python: round((0.12345 + 0.12125) / 2 * 100, 2) = 12.23; averaging the rounded J and F
    // (12.35 + 12.12) / 2 = 12.235 and rounding half-up would give 12.24.
    assertEquals(12.23, s.JandF(), 0.0);
  }

  @Test
  void nanMetricsAreSkippedAndCounted() {
    MetricTable t = new MetricTable();
    t.add(score(0.5, Double.NaN, Double.NaN, 1.0));
    t.add(score(0.7, 0.2, Double.NaN, 1.0));
    t.add(score(0.9, 0.4, 0.6, 1.0));
    MetricTable.Summary s = t.summary();
    assertEquals(3, s.expressions());
    assertEquals(70.0, s.J(), 1e-12);
    assertEquals(30.0, s.iouGold(), 1e-12); // mean of 0.2 and 0.4
    assertEquals(60.0, s.iouGoldWithPred(), 0.0);
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("IoU_gold", 1);
    expected.put("IoU_gold_with_pred", 2);
    assertEquals(expected, s.skipped());
    assertEquals(List.of("IoU_gold", "IoU_gold_with_pred"), List.copyOf(s.skipped().keySet()));
  }

  @Test
  void metricSkippedForEveryExpressionStaysNaN() {
    MetricTable t = new MetricTable();
    t.add(score(0.5, Double.NaN, Double.NaN, 1.0));
    MetricTable.Summary s = t.summary();
    assertTrue(Double.isNaN(s.iouGold()));
    assertEquals(1, s.skipped().get("IoU_gold"));
    assertTrue(MetricTable.toMarkdown(Map.of("short", s)).contains("| NaN |"));
  }

  @Test
  void scorerNaNFlowsIntoSkippedCount() {
    MetricTable t = new MetricTable();
    t.add(
        EgoMaskScorer.score(
            List.of("a"), Map.of("elsewhere", Mask.empty(2, 2)), Map.of(), 2, 2));
    t.add(
        EgoMaskScorer.score(
            List.of("a"), Map.of("a", Mask.empty(2, 2)), Map.of(), 2, 2));
    MetricTable.Summary s = t.summary();
    assertEquals(1, s.skipped().get("IoU_gold"));
    assertEquals(1, s.skipped().get("IoU_gold_with_pred"));
    // The one expression with a selection: gold key with an empty mask, nothing earlier -> 1.0.
    assertEquals(100.0, s.iouGold(), 0.0);
  }

  @Test
  void emptyTableIsRefused() {
    assertThrows(IllegalStateException.class, () -> new MetricTable().summary());
  }

  @Test
  void addAllBuildsTheFullSplit() {
    MetricTable a = new MetricTable();
    a.add(score(0.2, 0.1, 0.3, 0.1));
    MetricTable b = new MetricTable();
    b.add(score(0.4, 0.3, 0.5, 0.15));
    MetricTable full = new MetricTable();
    full.addAll(a);
    full.addAll(b);
    assertEquals(2, full.expressions());
    assertEquals(30.0, full.summary().J(), 0.0);
  }

  @Test
  void jsonHasExactlyTheReferenceKeys() {
    MetricTable t = new MetricTable();
    t.add(score(0.2, 0.1, 0.3, 0.1));
    Map<String, Object> json = t.summary().toJson();
    assertEquals(
        List.of(
            "J",
            "F",
            "J&F",
            "IoU_all",
            "IoU_gold",
            "IoU_gold_with_pred",
            "T_precision",
            "T_recall",
            "T_f1",
            "T_accuracy"),
        List.copyOf(json.keySet()));
    assertEquals(20.0, json.get("J"));
    assertEquals(15.0, json.get("J&F"));
    assertEquals(30.0, json.get("IoU_gold_with_pred"));
  }

  @Test
  void markdownHasOneRowPerSplitInOrderWithTwoDecimals() {
    MetricTable shortT = new MetricTable();
    shortT.add(score(0.12345, 0.5, 0.2995, 0.12125));
    MetricTable longT = new MetricTable();
    longT.add(score(0.081, 0.0811, 0.0824, 0.05));
    Map<String, MetricTable.Summary> bySplit = new LinkedHashMap<>();
    bySplit.put("short", shortT.summary());
    bySplit.put("long", longT.summary());
    String md = MetricTable.toMarkdown(bySplit);
    String[] lines = md.split("\n");
    assertEquals(4, lines.length, md);
    assertEquals(
        "| split | J&F | J | F | IoU_all | IoU_gold | IoU_gold_with_pred | T_precision | T_recall"
            + " | T_f1 | T_accuracy |",
        lines[0]);
    assertEquals(
        "| short | 12.23 | 12.35 | 12.12 | 12.35 | 50.00 | 29.95 | 50.00 | 25.00 | 33.33 | 75.00 |",
        lines[2]);
    assertTrue(lines[3].startsWith("| long | 6.55 | 8.10 | 5.00 | 8.10 | 8.11 | 8.24 |"), lines[3]);
  }

  @Test
  void expressionScoreValidatesItsValues() {
    assertThrows(IllegalArgumentException.class, () -> score(1.5, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ExpressionScore(0, 0, 0, 0, 0, 0, 0, 0, 0));
  }
}
