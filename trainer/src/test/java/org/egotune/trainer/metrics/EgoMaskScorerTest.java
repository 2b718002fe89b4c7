package org.egotune.trainer.metrics;

import static org.egotune.trainer.metrics.TestMasks.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EgoMaskScorerTest {
  private static final Logger LOG = LoggerFactory.getLogger(EgoMaskScorerTest.class);

  /** Exact-arithmetic results (ratios of small integers) compared up to double rounding. */
  private static final double EXACT = 1e-15;

  /** Values from an independent numpy port of the DAVIS toolkit's f_measure (see boundaryF tests). */
  private static final double NUMPY = 1e-12;

  // Hand-counted 4x4 masks.
  private static final Mask BLOCK4 = m("11..", "11..", "....", "...."); // area 4
  private static final Mask BLOCK6 = m("111.", "111.", "....", "...."); // area 6, contains BLOCK4
  private static final Mask HALF_OF_BLOCK4 = m("1...", "1...", "....", "...."); // area 2, in BLOCK4
  private static final Mask FAR4 = m("....", "....", "..11", "..11"); // area 4, disjoint from BLOCK4

  private static Map<String, Mask> dict(Object... kv) {
    Map<String, Mask> d = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      d.put((String) kv[i], (Mask) kv[i + 1]);
    }
    return d;
  }

  @Test
  void iouOfHandCountedMasks() {
    // |G and P| = 4, |G or P| = 6.
    ExpressionScore s =
        EgoMaskScorer.score(List.of("f0"), dict("f0", BLOCK4), dict("f0", BLOCK6), 4, 4);
    assertEquals(4.0 / 6.0, s.iouAll(), EXACT);
    assertEquals(4.0 / 6.0, s.iouGold(), EXACT);
    assertEquals(4.0 / 6.0, s.iouGoldWithPred(), EXACT);
    assertEquals(1, s.frames());
  }

  @Test
  void disjointMasksScoreZero() {
    ExpressionScore s =
        EgoMaskScorer.score(List.of("f0"), dict("f0", BLOCK4), dict("f0", FAR4), 4, 4);
    assertEquals(0.0, s.iouAll(), EXACT);
  }

  @Test
  void bothEmptyFrameScoresOneInIouAll() {
    // f0: 4/6; f1: in neither dict -> both empty -> 1.0 in IoU_all, not selected for IoU_gold.
    ExpressionScore s =
        EgoMaskScorer.score(List.of("f0", "f1"), dict("f0", BLOCK4), dict("f0", BLOCK6), 4, 4);
    assertEquals((4.0 / 6.0 + 1.0) / 2.0, s.iouAll(), EXACT);
    assertEquals(4.0 / 6.0, s.iouGold(), EXACT);
    assertEquals(4.0 / 6.0, s.iouGoldWithPred(), EXACT);
  }

  @Test
  void staleIouIsAppendedOnSelectedFrameWithEmptyUnion() {
    // a: IoU 2/4 = 0.5. b: gold key with null value, no prediction -> empty union: the reference
    // appends the stale 0.5, not 1.0. c: identical masks -> 1.0.
    Map<String, Mask> gold = dict("a", BLOCK4, "b", null, "c", FAR4);
    Map<String, Mask> pred = dict("a", HALF_OF_BLOCK4, "c", FAR4);
    ExpressionScore s = EgoMaskScorer.score(List.of("a", "b", "c"), gold, pred, 4, 4);
    assertEquals((0.5 + 0.5 + 1.0) / 3.0, s.iouGold(), EXACT);
    assertEquals((0.5 + 0.5 + 1.0) / 3.0, s.iouGoldWithPred(), EXACT);
    // IoU_all is not affected: the empty-union frame scores 1 there.
    assertEquals((0.5 + 1.0 + 1.0) / 3.0, s.iouAll(), EXACT);
  }

  @Test
  void staleIouComesFromTheMostRecentNonEmptyUnionFrameEvenIfNotSelected() {
    // x: prediction only -> IoU 0 (not a gold key). y: IoU 0.5 (gold key), z: pred only, IoU 0 again.
    // w: gold key with null value, empty union -> appends the most recent value, 0 from z.
    Map<String, Mask> gold = dict("y", BLOCK4, "w", null);
    Map<String, Mask> pred = dict("x", FAR4, "y", HALF_OF_BLOCK4, "z", FAR4);
    ExpressionScore s = EgoMaskScorer.score(List.of("x", "y", "z", "w"), gold, pred, 4, 4);
    assertEquals((0.5 + 0.0) / 2.0, s.iouGold(), EXACT);
    assertEquals((0.0 + 0.5 + 0.0 + 0.0) / 4.0, s.iouGoldWithPred(), EXACT);
    assertEquals((0.0 + 0.5 + 0.0 + 1.0) / 4.0, s.iouAll(), EXACT);
  }

  @Test
  void staleIouFollowsFrameListOrderNotMapOrder() {
    // Frame list order is b2, a1: the stale value read at a1 is b2's 0.5, whatever the keys' order.
    Map<String, Mask> gold = dict("a1", null, "b2", BLOCK4);
    Map<String, Mask> pred = dict("b2", HALF_OF_BLOCK4);
    ExpressionScore s = EgoMaskScorer.score(List.of("b2", "a1"), gold, pred, 4, 4);
    assertEquals(0.5, s.iouGold(), EXACT);
  }

  @Test
  void staleReadBeforeAnyValueUsesOne() {
    // a: gold key, empty union, nothing earlier -> the reference crashes; we append 1.0.
    Map<String, Mask> gold = dict("a", null, "b", BLOCK4);
    Map<String, Mask> pred = dict("b", HALF_OF_BLOCK4);
    ExpressionScore s = EgoMaskScorer.score(List.of("a", "b"), gold, pred, 4, 4);
    assertEquals((1.0 + 0.5) / 2.0, s.iouGold(), EXACT);
  }

  @Test
  void predictionKeyWithEmptyOrNullMaskIsSelectedForGoldWithPred() {
    // a: 0.5 (gold key). b: prediction key holding an empty mask, c: prediction key holding null;
    // both have an empty union, so both append the stale 0.5 to IoU_gold_with_pred.
    Map<String, Mask> gold = dict("a", BLOCK4);
    Map<String, Mask> pred = dict("a", HALF_OF_BLOCK4, "b", Mask.empty(4, 4), "c", null);
    ExpressionScore s = EgoMaskScorer.score(List.of("a", "b", "c", "d"), gold, pred, 4, 4);
    assertEquals(0.5, s.iouGold(), EXACT);
    assertEquals(0.5, s.iouGoldWithPred(), EXACT);
    assertEquals((0.5 + 1.0 + 1.0 + 1.0) / 4.0, s.iouAll(), EXACT);
    // An empty predicted mask is "absent" for the temporal metrics: only frame a is a TP.
    assertEquals(1.0, s.tPrecision(), EXACT);
  }

  @Test
  void keysOutsideTheFrameListAreIgnored() {
    Map<String, Mask> gold = dict("f0", BLOCK4);
    Map<String, Mask> pred = dict("f0", BLOCK6);
    ExpressionScore base = EgoMaskScorer.score(List.of("f0", "f1"), gold, pred, 4, 4);
    Map<String, Mask> goldExtra = dict("f0", BLOCK4, "unlisted-gold", BLOCK4);
    // Even a wrongly sized mask under an unlisted key is never looked at.
    Map<String, Mask> predExtra = dict("f0", BLOCK6, "zz", Mask.empty(9, 9), "yy", FAR4);
    ExpressionScore extra = EgoMaskScorer.score(List.of("f0", "f1"), goldExtra, predExtra, 4, 4);
    assertEquals(base, extra);
    assertEquals(4.0 / 6.0, extra.iouGoldWithPred(), EXACT);
  }

  @Test
  void noGoldKeyInFrameListGivesNaN() {
    Map<String, Mask> gold = dict("elsewhere", BLOCK4);
    ExpressionScore none = EgoMaskScorer.score(List.of("a", "b"), gold, dict(), 4, 4);
    assertTrue(Double.isNaN(none.iouGold()));
    assertTrue(Double.isNaN(none.iouGoldWithPred()));
    assertEquals(1.0, none.iouAll(), EXACT);
    // With a prediction key in the list, IoU_gold_with_pred has a selection again: a scores 0.
    ExpressionScore withPred = EgoMaskScorer.score(List.of("a", "b"), gold, dict("a", FAR4), 4, 4);
    assertTrue(Double.isNaN(withPred.iouGold()));
    assertEquals(0.0, withPred.iouGoldWithPred(), EXACT);
  }

  @Test
  void temporalMetricsOnHandMadeSequence() {
    // gold present: 1 1 0 0 1 0   pred present: 1 0 1 0 1 1
    // TP = {f0, f4} = 2, FN = {f1} = 1, FP = {f2, f5} = 2, TN = {f3} = 1 (f3 is a null gold key).
    Map<String, Mask> gold = dict("f0", BLOCK4, "f1", BLOCK4, "f3", null, "f4", FAR4);
    Map<String, Mask> pred = dict("f0", BLOCK6, "f2", FAR4, "f4", FAR4, "f5", BLOCK4);
    ExpressionScore s =
        EgoMaskScorer.score(List.of("f0", "f1", "f2", "f3", "f4", "f5"), gold, pred, 4, 4);
    double p = 2.0 / 4.0;
    double r = 2.0 / 3.0;
    assertEquals(p, s.tPrecision(), EXACT);
    assertEquals(r, s.tRecall(), EXACT);
    assertEquals(4.0 / 7.0, s.tF1(), 1e-15);
    assertEquals(2 * p * r / (p + r), s.tF1(), 0.0);
    assertEquals(3.0 / 6.0, s.tAccuracy(), EXACT);
  }

  @Test
  void temporalZeroDenominatorsGiveZero() {
    // Never present, never predicted: precision = recall = F1 = 0, accuracy = 1 (reference rule).
    ExpressionScore s =
        EgoMaskScorer.score(List.of("a", "b"), dict("a", null), dict(), 4, 4);
    assertEquals(0.0, s.tPrecision(), 0.0);
    assertEquals(0.0, s.tRecall(), 0.0);
    assertEquals(0.0, s.tF1(), 0.0);
    assertEquals(1.0, s.tAccuracy(), 0.0);
    // Predicted but never present: precision 0 (TP = 0, FP = 1), recall 0 (denominator 0), F1 0.
    ExpressionScore fp = EgoMaskScorer.score(List.of("a"), dict(), dict("a", BLOCK4), 4, 4);
    assertEquals(0.0, fp.tPrecision(), 0.0);
    assertEquals(0.0, fp.tRecall(), 0.0);
    assertEquals(0.0, fp.tF1(), 0.0);
    assertEquals(0.0, fp.tAccuracy(), 0.0);
  }

  private static Mask square(int h, int w, int y0, int x0, int size) {
    boolean[] d = new boolean[h * w];
    for (int y = y0; y < y0 + size; y++) {
      for (int x = x0; x < x0 + size; x++) {
        d[y * w + x] = true;
      }
    }
    return new Mask(h, w, d);
  }

  private static double boundaryF(Mask gold, Mask pred) {
    return EgoMaskScorer.score(
            List.of("f"), dict("f", gold), dict("f", pred), gold.height(), gold.width())
        .boundaryF();
  }

  @Test
  void boundaryFOfIdenticalMasksIsOne() {
    Mask a = square(100, 100, 10, 10, 5);
    assertEquals(1.0, boundaryF(a, a), 0.0);
  }

  @Test
  void boundaryFOfMaskShiftedBeyondToleranceIsZero() {
    // r = 2 at 100x100; a 5-pixel square moved 8 pixels right: nearest boundaries 3 pixels apart.
    assertEquals(0.0, boundaryF(square(100, 100, 10, 10, 5), square(100, 100, 10, 18, 5)), 0.0);
  }

  @Test
  void boundaryFOfOnePixelShiftWithinToleranceIsOne() {
    assertEquals(1.0, boundaryF(square(100, 100, 10, 10, 5), square(100, 100, 11, 11, 5)), 0.0);
  }

  @Test
  void boundaryFEmptyAndFullFrameCases() {
    Mask full = square(100, 100, 0, 0, 100);
    Mask empty = Mask.empty(100, 100);
    Mask small = square(100, 100, 10, 10, 5);
    // Both boundaries empty -> 1, even for empty gold vs a full-frame prediction (IoU 0).
    assertEquals(1.0, boundaryF(empty, full), 0.0);
    ExpressionScore s =
        EgoMaskScorer.score(List.of("f"), dict("f", empty), dict("f", full), 100, 100);
    assertEquals(0.0, s.iouAll(), 0.0);
    // Exactly one boundary empty -> 0.
    assertEquals(0.0, boundaryF(small, empty), 0.0);
    assertEquals(0.0, boundaryF(small, full), 0.0);
    // Both missing -> 1.
    assertEquals(
        1.0, EgoMaskScorer.score(List.of("f"), dict(), dict(), 100, 100).boundaryF(), 0.0);
  }

  // Masks defined by integer formulas, reproduced in the numpy cross-check.
  private static Mask ellipse(int h, int w, long cx, long cy, long rx, long ry) {
    boolean[] d = new boolean[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        long dx = x - cx;
        long dy = y - cy;
        d[y * w + x] = dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry;
      }
    }
    return new Mask(h, w, d);
  }

  private static Mask withNoise(Mask m, int mod, int below) {
    boolean[] d = m.rowMajor().clone();
    for (int y = 0; y < m.height(); y++) {
      for (int x = 0; x < m.width(); x++) {
        if (((long) x * 31 + (long) y * 17 + (long) x * y) % mod < below) {
          d[y * m.width() + x] = true;
        }
      }
    }
    return new Mask(m.height(), m.width(), d);
  }

  @Test
  void boundaryFMatchesNumpyPortOfDavisFMeasure() {
    // Expected values: DAVIS _seg2bmap + skimage disk + dilation ported to numpy, run on the same
    // integer-defined masks (f_measure(pred, gold)).
    Mask a = ellipse(240, 320, 150, 110, 70, 50);
    Mask c = ellipse(240, 320, 156, 113, 66, 47);
    assertEquals(0.573370594922319, boundaryF(a, c), NUMPY);
    Mask b = withNoise(ellipse(240, 320, 157, 104, 65, 55), 97, 2);
    assertEquals(0.1052795294096669, boundaryF(a, b), NUMPY);
    Mask big = ellipse(480, 640, 300, 220, 140, 100);
    Mask bigPred = withNoise(ellipse(480, 640, 310, 212, 128, 104), 89, 3);
    assertEquals(0.06724799505265316, boundaryF(big, bigPred), NUMPY);
  }

  @Test
  void rleOverloadAgreesWithMaskScoring() {
    Map<String, Mask> gold = dict("a", BLOCK4, "b", null, "c", FAR4);
    Map<String, Mask> pred = dict("a", HALF_OF_BLOCK4, "c", BLOCK6);
    Map<String, Rle> goldRle = new HashMap<>();
    goldRle.put("a", Rle.encode(BLOCK4));
    goldRle.put("b", null);
    goldRle.put("c", Rle.encode(FAR4));
    Map<String, Rle> predRle = new HashMap<>();
    predRle.put("a", Rle.encode(HALF_OF_BLOCK4));
    predRle.put("c", Rle.encode(BLOCK6));
    predRle.put("unlisted", Rle.empty(7, 7));
    List<String> frames = List.of("a", "b", "c");
    assertEquals(
        EgoMaskScorer.score(frames, gold, pred, 4, 4),
        EgoMaskScorer.scoreRle(frames, goldRle, predRle, 4, 4));
  }

  @Test
  void invalidInputsAreRejectedWithClearErrors() {
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> EgoMaskScorer.score(List.of("f"), dict("f", Mask.empty(3, 4)), dict(), 4, 4));
    assertTrue(size.getMessage().contains("'f' is 3x4, expected 4x4"), size.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> EgoMaskScorer.score(List.of(), dict(), dict(), 4, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> EgoMaskScorer.score(Arrays.asList("a", null), dict(), dict(), 4, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> EgoMaskScorer.score(List.of("a"), dict(), dict(), 0, 4));
  }

  @Test
  void duplicateFrameNamesAreScoredPerOccurrence() {
    ExpressionScore s =
        EgoMaskScorer.score(List.of("f0", "f0", "f1"), dict("f0", BLOCK4), dict("f0", BLOCK6), 4, 4);
    assertEquals((4.0 / 6.0 * 2 + 1.0) / 3.0, s.iouAll(), EXACT);
    assertEquals(3, s.frames());
  }
}
