package org.egotune.trainer.metrics;

import static org.egotune.trainer.metrics.TestMasks.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.mixer.mask.Mask;
import org.egotune.trainer.metrics.NvosNarration.Annotation;
import org.egotune.trainer.metrics.NvosNarration.Exhaustive;
import org.egotune.trainer.metrics.NvosNarration.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every expected value is counted by hand on 4x4 masks. At 4x4 the DAVIS tolerance radius is
 * ceil(0.008 * sqrt(32)) = 1, so a boundary pixel matches when the other boundary has a pixel at it
 * or at one of its four neighbours. Boundaries (seg2bmap) of the masks used: B4 = {(0,1), (1,0),
 * (1,1)}; B6 = {(0,2), (1,0), (1,1), (1,2)}; FAR4 = {(1,1), (1,2), (1,3), (2,1), (3,1)}; B4 | FAR4 =
 * {(0,1), (1,0), (1,1), (1,2), (1,3), (2,1), (3,1)} (row, column). The F values were also checked
 * with a numpy port of the DAVIS toolkit's f_measure.
 */
class NvosScorerTest {
  private static final double EXACT = 1e-15;

  private static final Mask B4 = m("11..", "11..", "....", "...."); // area 4
  private static final Mask B6 = m("111.", "111.", "....", "...."); // area 6, contains B4
  private static final Mask FAR4 = m("....", "....", "..11", "..11"); // area 4, disjoint from B4
  private static final Mask HALF = m("1...", "1...", "....", "...."); // area 2, inside B4
  private static final Mask EMPTY = Mask.empty(4, 4);

  @TempDir Path tmp;

  private static Target object(String id, Object... frameMaskFlag) {
    Map<String, Annotation> a = new LinkedHashMap<>();
    for (int i = 0; i < frameMaskFlag.length; i += 3) {
      a.put((String) frameMaskFlag[i], Annotation.of((Mask) frameMaskFlag[i + 1], (Exhaustive) frameMaskFlag[i + 2]));
    }
    return new Target(id, a);
  }

  private static NvosNarration narration(String id, List<String> frames, Target... objects) {
    return new NvosNarration(id, 4, 4, frames, List.of(objects));
  }

  private static Map<String, Mask> frames(Object... kv) {
    Map<String, Mask> d = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      d.put((String) kv[i], (Mask) kv[i + 1]);
    }
    return d;
  }

  private static NvosTable.Summary summarise(NvosScore... scores) {
    NvosTable t = new NvosTable();
    for (NvosScore s : scores) {
      t.add(s);
    }
    return t.summary();
  }

  /** The fixture of the aggregation test: two objects, three annotated frames. */
  private static NvosScore twoObjects() {
    // Object 1 is annotated (y) on a and b, not on c. Object 2 is annotated (n) on a and c, not on b.
    NvosNarration n = narration("n1", List.of("a", "b", "c"),
        object("1", "a", B4, Exhaustive.Y, "b", B4, Exhaustive.Y),
        object("2", "a", FAR4, Exhaustive.N, "c", FAR4, Exhaustive.N));
    Map<String, Map<String, Mask>> pred = Map.of(
        // a: B6 over B4: J = 4/6; every B6 boundary pixel is next to a B4 one and back: F = 1.
        // b: FAR4 over B4: J = 0; precision 3/5, recall 3/3, F = 0.75. c: nothing, not annotated: 1, 1.
        "1", frames("a", B6, "b", FAR4),
        // a: exact: 1, 1. b: B4 where object 2 is not annotated: J = 0, F = 0. c: nothing: 0, 0.
        "2", frames("a", FAR4, "b", B4));
    return NvosScorer.score(n, pred);
  }

  @Test
  void perFrameValuesAreTheHandCountedOnes() {
    NvosScore s = twoObjects();
    assertEquals(3, s.frames());
    NvosScore.ObjectScore o1 = s.objects().get(0);
    assertEquals("1", o1.object());
    double[][] expected1 = {{4.0 / 6.0, 1.0}, {0.0, 0.75}, {1.0, 1.0}};
    NvosScore.Group[] groups1 = {NvosScore.Group.Y, NvosScore.Group.Y, NvosScore.Group.ABSENT};
    for (int i = 0; i < 3; i++) {
      NvosScore.FrameScore f = o1.frames().get(i);
      assertEquals(expected1[i][0], f.j(), EXACT, "J of object 1, frame " + f.frame());
      assertEquals(expected1[i][1], f.f(), EXACT, "F of object 1, frame " + f.frame());
      assertEquals(f.j(), f.jIns(), 0.0, "one instance: J_ins = J");
      assertEquals(groups1[i], f.group());
    }
    NvosScore.ObjectScore o2 = s.objects().get(1);
    double[] expected2 = {1.0, 0.0, 0.0};
    for (int i = 0; i < 3; i++) {
      assertEquals(expected2[i], o2.frames().get(i).j(), EXACT);
      assertEquals(expected2[i], o2.frames().get(i).f(), EXACT);
    }
    assertEquals(NvosScore.Group.ABSENT, o2.frames().get(1).group());
  }

  @Test
  void meanPerObjectThenOverObjectsOverallAndByExhaustiveFlag() {
    NvosTable.Summary sum = summarise(twoObjects());
    // Object 1: J = (2/3 + 0 + 1) / 3 = 5/9, F = (1 + 3/4 + 1) / 3 = 11/12.
    // Object 2: J = F = (1 + 0 + 0) / 3 = 1/3.
    // Overall J = (5/9 + 1/3) / 2 = 4/9 -> 44.44; F = (11/12 + 1/3) / 2 = 5/8 -> 62.50;
    // J&F = (4/9 + 5/8) / 2 = 77/144 = 0.53472... -> 53.47.
    assertEquals(new NvosTable.Row(2, 6, 53.47, 44.44, 62.5, 44.44, 44.44), sum.overall());
    // y: object 1 on a, b: J = 1/3, F = 7/8, J&F = 29/48 = 0.60416... -> 60.42.
    // n: object 2 on a, c: J = F = 1/2. absent: object 1 on c (1, 1), object 2 on b (0, 0): 1/2.
    assertEquals(List.of("y", "n", "absent"), List.copyOf(sum.byExhaustive().keySet()));
    assertEquals(new NvosTable.Row(1, 2, 60.42, 33.33, 87.5, 33.33, 33.33), sum.byExhaustive().get("y"));
    assertEquals(new NvosTable.Row(1, 2, 50.0, 50.0, 50.0, 50.0, 50.0), sum.byExhaustive().get("n"));
    assertEquals(new NvosTable.Row(2, 2, 50.0, 50.0, 50.0, 50.0, 50.0), sum.byExhaustive().get("absent"));
    assertEquals(List.of(new NvosTable.ObjectRow("n1", "1", 3, false, 55.56, 91.67, 55.56),
        new NvosTable.ObjectRow("n1", "2", 3, false, 33.33, 33.33, 33.33)), sum.perObject());
  }

  @Test
  void everyObjectWeighsTheSameWhateverItsNumberOfFrames() {
    // A one-frame narration with a perfect object, beside twoObjects(): (5/9 + 1/3 + 1) / 3 = 17/27.
    NvosScore perfect = NvosScorer.score(narration("n2", List.of("x"), object("k", "x", B4, Exhaustive.Y)),
        Map.of("k", frames("x", B4)));
    NvosTable.Summary sum = summarise(twoObjects(), perfect);
    assertEquals(MetricTable.percent(17.0 / 27.0), sum.overall().J());
    assertEquals(3, sum.objects());
    assertEquals(7, sum.overall().frames());
  }

  @Test
  void emptyGroundTruthAndEmptyPredictionScoreOne() {
    // Annotated with an empty mask (a degenerate polygon), predicted empty (null, empty mask, no key).
    NvosNarration n = narration("n", List.of("a", "b", "c"),
        object("1", "a", EMPTY, Exhaustive.Y, "b", EMPTY, Exhaustive.Y, "c", EMPTY, Exhaustive.Y));
    Map<String, Mask> pred = frames("a", null, "b", EMPTY);
    NvosScore s = NvosScorer.score(n, Map.of("1", pred));
    for (NvosScore.FrameScore f : s.objects().get(0).frames()) {
      assertEquals(1.0, f.j(), 0.0);
      assertEquals(1.0, f.f(), 0.0);
      assertEquals(1.0, f.jIns(), 0.0);
      assertEquals(NvosScore.Group.Y, f.group(), "an annotation with an empty mask keeps its flag");
    }
    assertTrue(s.objects().get(0).neverPresent());
    assertEquals(new NvosTable.Row(1, 3, 100.0, 100.0, 100.0, 100.0, 100.0), summarise(s).overall());
  }

  @Test
  void anObjectThatNeverAppearsIsScoredByTheEmptyGroundTruthRule() {
    // Not annotated on either frame. A model that predicts nothing scores 1; HALF on b scores 0 there.
    NvosNarration n = narration("n", List.of("a", "b"), object("1", "a", B4, Exhaustive.Y), object("ghost"));
    NvosScore silent = NvosScorer.score(n, Map.of("1", frames("a", B4)));
    NvosScore hallucinating = NvosScorer.score(n, Map.of("1", frames("a", B4), "ghost", frames("b", HALF)));
    NvosTable.Summary s1 = summarise(silent);
    NvosTable.Summary s2 = summarise(hallucinating);
    // Object 1 scores 1 on a and on b (absent, predicted empty). ghost: 1 then (1 + 0) / 2.
    assertEquals(100.0, s1.overall().J());
    assertEquals(MetricTable.percent((1.0 + 0.5) / 2.0), s2.overall().J());
    assertEquals(75.0, s2.overall().F());
    assertEquals(1, s2.objectsNeverPresent());
    assertTrue(s2.perObject().get(1).neverPresent());
    assertFalse(s2.perObject().get(0).neverPresent());
    // ghost's frames are all in the absent row: (object 1 on b: 1, ghost: 1/2) / 2 = 3/4.
    assertEquals(List.of("y", "absent"), List.copyOf(s2.byExhaustive().keySet()));
    assertEquals(new NvosTable.Row(2, 3, 75.0, 75.0, 75.0, 75.0, 75.0), s2.byExhaustive().get("absent"));
  }

  @Test
  void aNarrationWithoutAnnotatedFramesIsSkippedAndCounted() {
    NvosScore none = NvosScorer.score(narration("empty", List.of(), object("1")), Map.of("1", frames("a", B4)));
    assertEquals(0, none.frames());
    assertTrue(none.objects().get(0).frames().isEmpty());
    NvosTable.Summary with = summarise(twoObjects(), none);
    NvosTable.Summary without = summarise(twoObjects());
    assertEquals(without.overall(), with.overall(), "no effect on any mean");
    assertEquals(without.byExhaustive(), with.byExhaustive());
    assertEquals(2, with.narrations());
    assertEquals(1, with.skippedNarrations());
    assertEquals(2, with.objects());
    assertEquals(1, with.ignoredPredictionFrames(), "its prediction on frame a is on no annotated frame");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> summarise(none));
    assertTrue(e.getMessage().contains("1 skipped"), e.getMessage());
  }

  @Test
  void aPredictionForAnUnannotatedFrameIsIgnoredAndCounted() {
    NvosNarration n = narration("n", List.of("a"), object("1", "a", B4, Exhaustive.N));
    NvosScore plain = NvosScorer.score(n, Map.of("1", frames("a", HALF)));
    // Frame z is not annotated: not scored, not even size-checked; a null value there is no mask.
    NvosScore extra = NvosScorer.score(n, Map.of("1", frames("a", HALF, "z", Mask.empty(9, 9), "y", null)));
    assertEquals(plain.objects(), extra.objects());
    assertEquals(0, plain.ignoredPredictionFrames());
    assertEquals(1, extra.ignoredPredictionFrames());
    // HALF inside B4: J = 2/4.
    assertEquals(0.5, extra.objects().get(0).frames().get(0).j(), EXACT);
  }

  @Test
  void aMissingPredictionIsAnEmptyMask() {
    // Ground truth B4 on a, predicted nothing: J = 0 and F = 0 (one boundary empty), in three ways.
    NvosNarration n = narration("n", List.of("a"), object("1", "a", B4, Exhaustive.Y));
    List<Map<String, Map<String, Mask>>> ways = List.of(Map.of(), Map.of("1", Map.of()),
        Map.of("1", frames("a", null)), Map.of("1", frames("a", EMPTY)));
    for (Map<String, Map<String, Mask>> pred : ways) {
      NvosScore.FrameScore f = NvosScorer.score(n, pred).objects().get(0).frames().get(0);
      assertEquals(0.0, f.j(), 0.0);
      assertEquals(0.0, f.f(), 0.0);
      assertEquals(0.0, f.jIns(), 0.0);
    }
  }

  @Test
  void jUnionAndJinsOfATwoInstanceObject() {
    Target twoPieces = new Target("1", Map.of("a",
        new Annotation(List.of(B4, FAR4), Exhaustive.Y)));
    NvosNarration n = narration("n", List.of("a"), twoPieces);
    // Predicting one piece: J_union = 4/8; J_ins = max(4/4, 0/8) = 1; F against the union: precision
    // 3/3, recall 5/7 ((1,3) and (3,1) have no B4 boundary pixel within 1), F = 5/6.
    NvosScore.FrameScore one = NvosScorer.score(n, Map.of("1", frames("a", B4))).objects().get(0).frames().get(0);
    assertEquals(0.5, one.j(), EXACT);
    assertEquals(1.0, one.jIns(), EXACT);
    assertEquals(5.0 / 6.0, one.f(), EXACT);
    // Predicting both: J_union = 1, J_ins = max(4/8, 4/8) = 1/2.
    Mask both = m("11..", "11..", "..11", "..11");
    NvosScore.FrameScore all = NvosScorer.score(n, Map.of("1", frames("a", both))).objects().get(0).frames().get(0);
    assertEquals(1.0, all.j(), EXACT);
    assertEquals(0.5, all.jIns(), EXACT);
    assertEquals(1.0, all.f(), EXACT);
    NvosTable.Summary s = summarise(NvosScorer.score(n, Map.of("1", frames("a", B4))));
    assertEquals(new NvosTable.Row(1, 1, MetricTable.percent((0.5 + 5.0 / 6.0) / 2), 50.0, 83.33, 50.0, 100.0),
        s.overall());
    assertEquals(1, s.multiInstanceObjects());
  }

  @Test
  void anEmptyInstanceIsNotAMatchForJins() {
    // Instances B4 and an empty mask, predicted nothing: J_ins is not IoU(empty, empty) = 1 but J = 0.
    Target o = new Target("1", Map.of("a", new Annotation(List.of(B4, EMPTY), Exhaustive.INCONCLUSIVE)));
    NvosScore.FrameScore f = NvosScorer.score(narration("n", List.of("a"), o), Map.of())
        .objects().get(0).frames().get(0);
    assertEquals(0.0, f.j(), 0.0);
    assertEquals(0.0, f.jIns(), 0.0);
    assertEquals(NvosScore.Group.INCONCLUSIVE, f.group());
  }

  @Test
  void badInputIsRejectedWithTheNarrationObjectAndFrameNamed() {
    NvosNarration n = narration("n7", List.of("a"), object("1", "a", B4, Exhaustive.Y));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> NvosScorer.score(n, Map.of("9", frames("a", B4))));
    assertTrue(unknown.getMessage().contains("n7") && unknown.getMessage().contains("'9'"), unknown.getMessage());
    IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
        () -> NvosScorer.score(n, Map.of("1", frames("a", Mask.empty(3, 4)))));
    assertTrue(size.getMessage().contains("n7, object 1, frame 'a'") && size.getMessage().contains("3x4"),
        size.getMessage());
    IllegalArgumentException notListed = assertThrows(IllegalArgumentException.class,
        () -> narration("n8", List.of("a"), object("1", "b", B4, Exhaustive.Y)));
    assertTrue(notListed.getMessage().contains("annotated frame 'b'"), notListed.getMessage());
    assertThrows(IllegalArgumentException.class, () -> narration("n", Arrays.asList("a", "a"), object("1")));
    assertThrows(IllegalArgumentException.class, () -> narration("n", List.of("a"), object("1"), object("1")));
    assertThrows(IllegalArgumentException.class, () -> new NvosNarration("n", 4, 4, List.of("a"), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> narration("n", List.of("a"), object("1", "a", Mask.empty(4, 5), Exhaustive.Y)));
    assertEquals(Exhaustive.INCONCLUSIVE, Exhaustive.parse("inconclusive"));
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class, () -> Exhaustive.parse("yes"));
    assertTrue(flag.getMessage().contains("\"y\", \"n\" or \"inconclusive\""), flag.getMessage());
  }

  @Test
  void markdownAndJsonReport() throws Exception {
    NvosTable.Summary sum = summarise(twoObjects());
    assertEquals("| rows | objects | frames | J&F | J | F | J_union | J_ins |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|\n"
        + "| overall | 2 | 6 | 53.47 | 44.44 | 62.50 | 44.44 | 44.44 |\n"
        + "| exhaustive=y | 1 | 2 | 60.42 | 33.33 | 87.50 | 33.33 | 33.33 |\n"
        + "| exhaustive=n | 1 | 2 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 |\n"
        + "| absent | 2 | 2 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 |\n", sum.toMarkdown());
    assertTrue(Files.readString(Path.of("..", "docs", "evaluation.md")).contains(sum.toMarkdown()),
        "docs/evaluation.md shows this table (section NVOS, The report)");
    Path file = tmp.resolve("out/nvos.json");
    sum.writeJson(file);
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals(53.47, json.at("/overall/J&F").doubleValue(), 0.0);
    assertEquals(87.5, json.at("/by_exhaustive/y/F").doubleValue(), 0.0);
    assertEquals(2, json.at("/by_exhaustive/absent/objects").intValue());
    assertEquals(0, json.get("skipped_narrations").intValue());
    assertEquals("2", json.at("/per_object/1/object").textValue());
    assertEquals(List.of("overall", "by_exhaustive", "narrations", "skipped_narrations", "objects",
        "objects_never_present", "multi_instance_objects", "ignored_prediction_frames", "per_object"),
        iterable(json.fieldNames()));
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
