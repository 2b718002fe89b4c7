package org.egotune.trainer.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accumulates {@link ExpressionScore}s of one split and reports the EgoMask dataset-level numbers:
 * uniform mean over expressions, x100, rounded half-even to 2 decimals.
 *
 * <p>Rules, matching the reference scorer where it has one:
 *
 * <ul>
 *   <li>Every expression weighs the same, whatever its number of frames. Means are sums in the order
 *       the expressions were added, divided by the count.
 *   <li>A metric that is NaN for an expression (an empty frame selection, see {@link EgoMaskScorer})
 *       is left out of that metric's mean only; {@link Summary#skipped()} maps the metric's name
 *       ({@code IoU_all}, {@code IoU_gold}, {@code IoU_gold_with_pred}, {@code F}, {@code T_precision},
 *       {@code T_recall}, {@code T_f1}, {@code T_accuracy}) to how many expressions it left out;
 *       metrics that left none out are absent. A metric NaN for every expression stays NaN.
 *   <li>J&amp;F = (mean J + mean F) / 2 from the unrounded means, then x100 and rounded; NaN if either
 *       is NaN.
 *   <li>Rounding: the fraction is multiplied by 100 in double arithmetic, then the exact decimal
 *       expansion of that double is rounded half-even to 2 decimals (as Python's {@code round(x, 2)}
 *       does), so 0.12345 -> 12.345000000000000639... -> 12.35, while 0.12125 -> exactly 12.125 ->
 *       12.12.
 * </ul>
 */
public final class MetricTable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricTable.class);

  /** Column names, in the order of the Markdown table and of {@link Summary#toJson()}. */
  static final List<String> COLUMNS =
      List.of(
          "J&F",
          "J",
          "F",
          "IoU_all",
          "IoU_gold",
          "IoU_gold_with_pred",
          "T_precision",
          "T_recall",
          "T_f1",
          "T_accuracy");

  // Kept whole (a few hundred records per split) so the mean sums in insertion order, exactly.
  private final List<ExpressionScore> scores = new ArrayList<>();

  /** Adds one expression's score. */
  public void add(ExpressionScore score) {
    if (score == null) {
      throw new IllegalArgumentException("score must not be null");
    }
    scores.add(score);
  }

  /** Adds every score of {@code other} (e.g. to build the "full" split from long, medium, short). */
  public void addAll(MetricTable other) {
    if (other == null) {
      throw new IllegalArgumentException("other table must not be null");
    }
    scores.addAll(other.scores);
  }

  /** Number of expressions added so far. */
  public int expressions() {
    return scores.size();
  }

  /**
   * The dataset-level numbers, x100 and rounded.
   *
   * @throws IllegalStateException if no expression was added
   */
  public Summary summary() {
    if (scores.isEmpty()) {
      throw new IllegalStateException("no expressions added: a summary needs at least one score");
    }
    Map<String, Integer> skipped = new LinkedHashMap<>();
    double j = mean("IoU_all", ExpressionScore::iouAll, skipped);
    double gold = mean("IoU_gold", ExpressionScore::iouGold, skipped);
    double goldWithPred = mean("IoU_gold_with_pred", ExpressionScore::iouGoldWithPred, skipped);
    double f = mean("F", ExpressionScore::boundaryF, skipped);
    double precision = mean("T_precision", ExpressionScore::tPrecision, skipped);
    double recall = mean("T_recall", ExpressionScore::tRecall, skipped);
    double f1 = mean("T_f1", ExpressionScore::tF1, skipped);
    double accuracy = mean("T_accuracy", ExpressionScore::tAccuracy, skipped);
    if (!skipped.isEmpty()) {
      LOG.warn(
          "{} expressions: metrics left out of the mean for an empty frame selection: {}",
          scores.size(),
          skipped);
    }
    double jandF = (j + f) / 2.0;
    return new Summary(
        scores.size(),
        percent(j),
        percent(f),
        percent(jandF),
        percent(j),
        percent(gold),
        percent(goldWithPred),
        percent(precision),
        percent(recall),
        percent(f1),
        percent(accuracy),
        skipped);
  }

  private double mean(
      String name, ToDoubleFunction<ExpressionScore> metric, Map<String, Integer> skipped) {
    double sum = 0.0;
    int n = 0;
    for (ExpressionScore s : scores) {
      double v = metric.applyAsDouble(s);
      if (Double.isNaN(v)) {
        continue;
      }
      sum += v;
      n++;
    }
    int left = scores.size() - n;
    if (left > 0) {
      skipped.put(name, left);
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * {@code fraction * 100}, its exact binary value rounded half-even to 2 decimals (Python's
   * {@code round(fraction * 100, 2)}); NaN stays NaN.
   */
  static double percent(double fraction) {
    if (Double.isNaN(fraction)) {
      return Double.NaN;
    }
    // new BigDecimal(double) is the exact expansion; BigDecimal.valueOf would round via toString.
    return new BigDecimal(fraction * 100.0).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
  }

  /**
   * A Markdown table with one row per split (in the map's iteration order) and the columns J&amp;F, J,
   * F, IoU_all, IoU_gold, IoU_gold_with_pred, T_precision, T_recall, T_f1, T_accuracy, 2 decimals.
   */
  public static String toMarkdown(Map<String, Summary> bySplit) {
    if (bySplit == null) {
      throw new IllegalArgumentException("bySplit must not be null");
    }
    StringBuilder out = new StringBuilder();
    out.append("| split |");
    for (String c : COLUMNS) {
      out.append(' ').append(c).append(" |");
    }
    out.append('\n').append("|---|");
    for (int i = 0; i < COLUMNS.size(); i++) {
      out.append("---:|");
    }
    out.append('\n');
    for (Map.Entry<String, Summary> e : bySplit.entrySet()) {
      if (e.getValue() == null) {
        throw new IllegalArgumentException("summary of split '" + e.getKey() + "' is null");
      }
      out.append("| ").append(e.getKey()).append(" |");
      for (double v : e.getValue().columnValues()) {
        out.append(' ').append(twoDecimals(v)).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** Values are already rounded doubles; their shortest decimal form is the intended 2-decimal one. */
  static String twoDecimals(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * Dataset-level EgoMask numbers of one split, each already x100 and rounded to 2 decimals (NaN when
   * every expression was skipped for that metric).
   *
   * @param expressions number of expressions scored
   * @param J mean IoU_all
   * @param F mean boundary F
   * @param JandF (mean J + mean F) / 2, from the unrounded means
   * @param iouAll mean IoU over all frames (the same number as J)
   * @param iouGold mean IoU over ground-truth-key frames
   * @param iouGoldWithPred mean IoU over ground-truth-or-prediction-key frames (headline number)
   * @param tPrecision temporal precision
   * @param tRecall temporal recall
   * @param tF1 temporal F1
   * @param tAccuracy temporal accuracy
   * @param skipped metric name to the number of expressions left out of its mean (only non-zero)
   */
  public record Summary(
      int expressions,
      double J,
      double F,
      double JandF,
      double iouAll,
      double iouGold,
      double iouGoldWithPred,
      double tPrecision,
      double tRecall,
      double tF1,
      double tAccuracy,
      Map<String, Integer> skipped) {

    public Summary {
      if (expressions <= 0) {
        throw new IllegalArgumentException("expressions must be positive, found " + expressions);
      }
      skipped =
          skipped == null
              ? Map.of()
              : Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
    }

    /**
     * The JSON-friendly form: exactly the keys {@code J, F, J&F, IoU_all, IoU_gold,
     * IoU_gold_with_pred, T_precision, T_recall, T_f1, T_accuracy}, in that order, with Double values
     * (NaN where every expression was skipped).
     */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("J", J);
      json.put("F", F);
      json.put("J&F", JandF);
      json.put("IoU_all", iouAll);
      json.put("IoU_gold", iouGold);
      json.put("IoU_gold_with_pred", iouGoldWithPred);
      json.put("T_precision", tPrecision);
      json.put("T_recall", tRecall);
      json.put("T_f1", tF1);
      json.put("T_accuracy", tAccuracy);
      return Collections.unmodifiableMap(json);
    }

    /** Values in {@link MetricTable#COLUMNS} order. */
    double[] columnValues() {
      return new double[] {
        JandF, J, F, iouAll, iouGold, iouGoldWithPred, tPrecision, tRecall, tF1, tAccuracy
      };
    }
  }
}
