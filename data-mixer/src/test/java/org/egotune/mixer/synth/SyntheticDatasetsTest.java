package org.egotune.mixer.synth;

import org.egotune.mixer.layout.DatasetLayouts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.reader.EgoMaskTrainReader;
import org.egotune.mixer.reader.MevisReader;
import org.egotune.mixer.reader.ReadResult;
import org.egotune.mixer.reader.RefYoutubeVosReader;
import org.egotune.mixer.record.ClipRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetsTest {

  @TempDir Path tmp;

  private static Map<String, SynthVideo> byName(SynthConfig cfg) {
    Map<String, SynthVideo> m = new HashMap<>();
    for (SynthVideo v : ScenePlanner.plan(cfg)) {
      m.put(v.name, v);
    }
    return m;
  }

  private static double fraction(Rle r) {
    return (double) r.area() / (r.height() * r.width());
  }

  /** Checks masks against the scene model and returns [ego-first-frame-absent count]. */
  private static void assertMasksMatchScene(ClipRecord r, SynthVideo v) {
    int k = Integer.parseInt(r.expId());
    SceneObject o = v.objects.get(k);
    assertEquals(o.objId, r.objIds().get(0));
    assertEquals(o.expression, r.expression());
    assertEquals(v.frameNames, r.frameNames());
    assertEquals(v.height, r.height());
    assertEquals(v.width, r.width());
    for (int t = 0; t < v.frameCount(); t++) {
      Mask drawn = v.mask(k, t);
      Rle read = r.masks().get(t);
      if (drawn == null) {
        assertTrue(read == null || read.area() == 0, r.video() + " frame " + t + " should be absent");
      } else {
        assertEquals(drawn, read.decode(), r.video() + "/" + r.expId() + " frame " + t);
      }
    }
  }

  @Test
  void egoMaskTrainRoundTrip() throws IOException {
    SynthConfig cfg = new SynthConfig(Layout.EGOMASK_TRAIN, 11, 4, 6, 64, 64);
    SynthSummary s = SyntheticDatasets.generate(cfg, tmp);
    assertEquals(4, s.videos());
    assertEquals(24, s.frames());
    assertTrue(s.objects() >= 8 && s.objects() <= 12, s.toString());
    assertEquals(s.objects(), s.expressions());
    assertTrue(Files.isRegularFile(tmp.resolve("train/meta.json")));
    assertTrue(Files.isRegularFile(tmp.resolve("train/JPEGImages/ego_0000/00025.jpg")));

    ReadResult res = DatasetLayouts.get("egomask-train").read(tmp);
    assertEquals(0, res.skippedAllNull());
    List<ClipRecord> recs = res.records();
    assertEquals(s.expressions(), recs.size());
    Map<String, SynthVideo> plan = byName(cfg);
    int firstAbsent = 0;
    for (ClipRecord r : recs) {
      assertEquals("egomask-train", r.source());
      assertEquals(List.of("00000", "00005", "00010", "00015", "00020", "00025"), r.frameNames());
      SynthVideo v = plan.get(r.video());
      assertMasksMatchScene(r, v);
      int present = r.presentFrameCount();
      assertTrue(present >= 1 && present < r.frameNames().size(), "absent from some frames");
      Set<String> expectedAnnotated = new HashSet<>();
      for (int t = 0; t < r.frameNames().size(); t++) {
        if (r.masks().get(t) != null) {
          expectedAnnotated.add(r.frameNames().get(t));
          double f = fraction(r.masks().get(t));
          assertTrue(f >= 0.005 && f <= 0.03, "ego area fraction " + f);
        }
      }
      assertEquals(expectedAnnotated, r.annotatedFrames());
      if (r.masks().get(0) == null) {
        firstAbsent++;
      }
    }
    assertTrue(firstAbsent >= 4, "every clip's first object is absent from frame 0");
  }

  @Test
  void egoCameraMovesTheWholeScene() {
    SynthConfig cfg = new SynthConfig(Layout.EGOMASK_TRAIN, 3, 2, 8, 64, 64);
    for (SynthVideo v : ScenePlanner.plan(cfg)) {
      boolean moved = false;
      for (int t = 1; t < v.frameCount(); t++) {
        int d = Math.abs(v.camX[t] - v.camX[t - 1]) + Math.abs(v.camY[t] - v.camY[t - 1]);
        assertTrue(d >= 1 && d <= 6, "camera step " + d);
        moved = true;
        for (SceneObject o : v.objects) {
          // objects are fixed in the world: on screen they move exactly against the camera
          assertEquals(o.x[t - 1] - o.x[t], v.camX[t] - v.camX[t - 1]);
        }
      }
      assertTrue(moved);
      assertNotEquals(
          java.util.Arrays.hashCode(pixels(v, 0)), java.util.Arrays.hashCode(pixels(v, 1)));
    }
  }

  private static int[] pixels(SynthVideo v, int t) {
    return v.render(t).getRGB(0, 0, v.width, v.height, null, 0, v.width);
  }

  @Test
  void objectsNeverOverlapAndColoursAreDistinct() {
    for (Layout l : Layout.values()) {
      if (l == Layout.DEPTH || l == Layout.VISOR) {
        continue; // ray-cast scenes (DepthSynth), not ScenePlanner's; DepthSynthTest and VisorSynthTest cover them
      }
      SynthConfig cfg = new SynthConfig(l, 5, 6, 5, 64, 64);
      for (SynthVideo v : ScenePlanner.plan(cfg)) {
        assertTrue(v.objects.size() >= 2 && v.objects.size() <= 3);
        Set<String> colours = new HashSet<>();
        for (SceneObject o : v.objects) {
          assertTrue(colours.add(o.colour.name()), "distinct colours in " + v.name);
          assertTrue(o.expression.startsWith("the " + o.colour.name() + " " + o.shape.word()));
        }
        List<SceneObject> drawn = v.drawn();
        for (int t = 0; t < v.frameCount(); t++) {
          for (int a = 0; a < drawn.size(); a++) {
            for (int b = a + 1; b < drawn.size(); b++) {
              Mask ma = drawn.get(a).mask(t, v.height, v.width);
              Mask mb = drawn.get(b).mask(t, v.height, v.width);
              if (ma != null && mb != null) {
                assertEquals(0, ma.intersectionArea(mb), v.name + " frame " + t);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void egoTargetsHaveLookAlikesInViewAndExoTargetsNone() {
    for (Layout l : Layout.values()) {
      if (l == Layout.DEPTH || l == Layout.VISOR) {
        continue; // ray-cast scenes (DepthSynth), and polygon scenes (VisorSynth), not ScenePlanner's
      }
      for (SynthVideo v : ScenePlanner.plan(new SynthConfig(l, 11, 8, 8, 64, 64))) {
        if (!l.egocentric()) {
          assertTrue(v.distractors.isEmpty(), v.name);
          continue;
        }
        assertEquals(v.objects.size(), v.distractors.size(), "one look-alike per target in " + v.name);
        for (int k = 0; k < v.objects.size(); k++) {
          SceneObject target = v.objects.get(k);
          SceneObject d = v.distractors.get(k);
          assertEquals(target.colour, d.colour);
          assertEquals(Shape.BAR, d.shape);
          assertTrue(Shape.TARGETS.contains(target.shape));
          assertNull(d.expression);
          double f = (double) d.area() / (v.height * v.width);
          assertTrue(f >= 0.005 && f <= 0.03, "distractor area fraction " + f);
          int absentWithLookAlike = 0;
          for (int t = 0; t < v.frameCount(); t++) {
            assertTrue(d.visible[t], "look-alikes stay in view");
            if (!target.visible[t]) {
              absentWithLookAlike++;
            }
            // the rendered frame holds the look-alike's pixels, the target's mask does not
            int dx = d.x[t] + d.side / 2;
            int dy = d.y[t] + d.side / 2;
            assertEquals(d.colour.rgb(), v.render(t).getRGB(dx, dy) & 0xFFFFFF, v.name + " frame " + t);
            Mask m = v.mask(k, t);
            assertTrue(m == null || !m.get(dy, dx));
          }
          if (k == 0) {
            assertTrue(absentWithLookAlike > 0, "the first target leaves while its look-alike stays");
          }
        }
      }
    }
  }

  /**
   * The domain gap in one check, independent of any model: painting the pixels of the named colour
   * (what a model trained on exocentric clips alone learns) finds every exocentric target exactly,
   * but in egocentric clips it also paints the look-alike, next to the target and where the
   * target is absent.
   */
  @Test
  void colourAloneFindsExoTargetsButNotEgoOnes() {
    for (Layout l : List.of(Layout.EGOMASK_TRAIN, Layout.EGOMASK_BENCH, Layout.REF_YOUTUBE_VOS)) {
      int present = 0;
      int absent = 0;
      double iouSum = 0;
      int paintedWhereAbsent = 0;
      for (SynthVideo v : ScenePlanner.plan(new SynthConfig(l, 21, 6, 8, 64, 64))) {
        for (int t = 0; t < v.frameCount(); t++) {
          int[] rgb = pixels(v, t);
          for (int k = 0; k < v.objects.size(); k++) {
            boolean[] painted = new boolean[rgb.length];
            int paintedCount = 0;
            for (int i = 0; i < rgb.length; i++) {
              painted[i] = (rgb[i] & 0xFFFFFF) == v.objects.get(k).colour.rgb();
              paintedCount += painted[i] ? 1 : 0;
            }
            Mask gold = v.mask(k, t);
            if (gold == null) {
              absent++;
              paintedWhereAbsent += paintedCount > 0 ? 1 : 0;
            } else {
              present++;
              Mask p = new Mask(v.height, v.width, painted);
              iouSum += (double) gold.intersectionArea(p) / gold.unionArea(p);
            }
          }
        }
      }
      double meanIou = iouSum / present;
      if (l.egocentric()) {
        assertTrue(meanIou < 0.6, l + ": colour alone also paints the look-alike, IoU " + meanIou);
        assertTrue(absent > 0 && paintedWhereAbsent == absent,
            l + ": the look-alike is painted in every absent frame (" + paintedWhereAbsent + " of "
                + absent + ")");
      } else {
        assertEquals(1.0, meanIou, 1e-12, l + ": colour alone finds exocentric targets exactly");
        assertEquals(0, absent);
      }
    }
  }

  @Test
  void egoMaskBenchRoundTrip() throws IOException {
    SynthConfig cfg = new SynthConfig(Layout.EGOMASK_BENCH, 21, 6, 5, 64, 64);
    SynthSummary s = SyntheticDatasets.generate(cfg, tmp);
    assertEquals(6, s.videos());
    int[] sizes = ScenePlanner.benchSplitSizes(6);
    assertArrayEquals(new int[] {4, 1, 1}, sizes);
    // RefEgo names may hold "--" and keep it in their directory; medium clips drop the suffix
    assertTrue(Files.isDirectory(tmp.resolve("JPEGImages/refego/refego_0001--1")));
    assertTrue(Files.isRegularFile(tmp.resolve("JPEGImages/refego/refego_0000/img0000000001.jpg")));
    assertTrue(Files.isRegularFile(tmp.resolve("JPEGImages/egotracks/clip0004/00020.jpg")));
    assertTrue(Files.isRegularFile(tmp.resolve("annotations/clip0004/0.json")));
    assertFalse(Files.exists(tmp.resolve("JPEGImages/egotracks/clip0004--0")));

    List<ClipRecord> full = EgoMaskBenchReader.read(tmp, "full");
    assertEquals(s.expressions(), full.size());
    Map<String, SynthVideo> plan = byName(cfg);
    Map<String, Integer> perSource = new TreeMap<>();
    int notAnnotated = 0;
    int nullAnnotated = 0;
    for (ClipRecord r : full) {
      SynthVideo v = plan.get(r.video());
      assertEquals("egomask-bench/" + v.split, r.source());
      perSource.merge(r.source(), 1, Integer::sum);
      assertMasksMatchScene(r, v);
      SceneObject o = v.objects.get(Integer.parseInt(r.expId()));
      for (int t = 0; t < v.frameCount(); t++) {
        String f = v.frameNames.get(t);
        assertEquals(o.visible[t] || !o.omitted[t], r.annotatedFrames().contains(f), f);
        if (!o.visible[t]) {
          assertNull(r.masks().get(t));
          if (o.omitted[t]) {
            notAnnotated++;
          } else {
            nullAnnotated++;
          }
        } else {
          double frac = fraction(r.masks().get(t));
          assertTrue(frac >= 0.005 && frac <= 0.03, "ego area fraction " + frac);
        }
      }
    }
    assertTrue(notAnnotated > 0 && nullAnnotated > 0, "both kinds of absence are written");
    assertEquals(3, perSource.size(), perSource.toString());
    assertEquals(perSource.get("egomask-bench/short"), EgoMaskBenchReader.read(tmp, "short").size());
    List<ClipRecord> medium = EgoMaskBenchReader.read(tmp, "medium");
    assertEquals("clip0004--0", medium.get(0).video());
    assertTrue(medium.get(0).frameFiles().get(0).contains("egotracks/clip0004/00000.jpg"));
    assertEquals(perSource.get("egomask-bench/long"), EgoMaskBenchReader.read(tmp, "long").size());
    assertThrows(IllegalArgumentException.class, () -> EgoMaskBenchReader.read(tmp, "mid"));
  }

  @Test
  void refYoutubeVosRoundTrip() throws IOException {
    SynthConfig cfg = new SynthConfig(Layout.REF_YOUTUBE_VOS, 31, 3, 5, 64, 64);
    SynthSummary s = SyntheticDatasets.generate(cfg, tmp);
    assertEquals(15, s.frames());
    assertTrue(Files.isRegularFile(tmp.resolve("train/Annotations/ytvos_0000/00020.png")));
    List<ClipRecord> recs = DatasetLayouts.get("ref-youtube-vos").read(tmp).records();
    assertEquals(s.expressions(), recs.size());
    Map<String, SynthVideo> plan = byName(cfg);
    for (ClipRecord r : recs) {
      assertEquals("ref-youtube-vos", r.source());
      assertEquals(List.of("00000", "00005", "00010", "00015", "00020"), r.frameNames());
      assertMasksMatchScene(r, plan.get(r.video()));
      assertEquals(5, r.presentFrameCount(), "exo targets are in every frame");
      assertEquals(Set.copyOf(r.frameNames()), r.annotatedFrames());
      for (Rle m : r.masks()) {
        double f = fraction(m);
        assertTrue(f >= 0.08 && f <= 0.30, "exo area fraction " + f);
      }
    }
    List<ClipRecord> davis = DatasetLayouts.get("ref-davis").read(tmp).records();
    assertEquals("ref-davis", davis.get(0).source());
  }

  @Test
  void mevisRoundTripWithUnionTargets() throws IOException {
    SynthConfig cfg = new SynthConfig(Layout.MEVIS, 41, 4, 5, 64, 64);
    SynthSummary s = SyntheticDatasets.generate(cfg, tmp);
    assertTrue(Files.isRegularFile(tmp.resolve("train/JPEGImages/mevis_0000/00004.jpg")));
    assertTrue(Files.isRegularFile(tmp.resolve("train/mask_dict.json")));
    assertTrue(Files.isRegularFile(tmp.resolve("train/meta_expressions.json")));
    // videos 0 and 2 get one extra two-object expression each
    assertEquals(s.objects() + 2, s.expressions());
    ReadResult res = DatasetLayouts.get("mevis").read(tmp);
    assertEquals(0, res.skippedAllNull());
    List<ClipRecord> recs = res.records();
    assertEquals(s.expressions(), recs.size());
    Map<String, SynthVideo> plan = byName(cfg);
    int unions = 0;
    for (ClipRecord r : recs) {
      assertEquals("mevis", r.source());
      assertEquals(List.of("00000", "00001", "00002", "00003", "00004"), r.frameNames());
      SynthVideo v = plan.get(r.video());
      int k = Integer.parseInt(r.expId());
      if (k < v.objects.size()) {
        assertEquals(List.of(Integer.toString(k)), r.objIds());
        for (int t = 0; t < v.frameCount(); t++) {
          assertEquals(v.mask(k, t), r.masks().get(t).decode(), r.video() + "/" + k + " frame " + t);
        }
      } else {
        unions++;
        assertEquals(List.of("0", "1"), r.objIds());
        assertTrue(r.expression().startsWith("the " + v.objects.get(0).colour.name() + " "));
        for (int t = 0; t < v.frameCount(); t++) {
          assertEquals(v.mask(0, t).union(v.mask(1, t)), r.masks().get(t).decode());
        }
      }
      assertEquals(5, r.presentFrameCount(), "exo targets are in every frame");
      for (Rle m : r.masks()) {
        double f = fraction(m);
        assertTrue(f >= 0.08 && f <= 0.40, "exo area fraction " + f);
      }
    }
    assertEquals(2, unions);
  }

  @Test
  void refDavisRoundTripWithFourAnnotatorsAndVoid() throws IOException {
    SynthConfig cfg = new SynthConfig(Layout.REF_DAVIS, 51, 3, 5, 64, 64);
    SynthSummary s = SyntheticDatasets.generate(cfg, tmp);
    assertEquals(4 * s.objects(), s.expressions());
    assertTrue(Files.isRegularFile(tmp.resolve("train/Annotations/davis_0000/00004.png")));
    org.egotune.mixer.mask.PaletteMasks.IndexedImage png =
        org.egotune.mixer.mask.PaletteMasks.read(tmp.resolve("train/Annotations/davis_0001/00002.png"));
    assertTrue(java.util.Arrays.stream(png.indices()).anyMatch(i -> i == 255), "void pixels");
    List<ClipRecord> recs = DatasetLayouts.get("ref-davis").read(tmp).records();
    assertEquals(s.expressions(), recs.size());
    Map<String, SynthVideo> plan = byName(cfg);
    for (ClipRecord r : recs) {
      assertEquals("ref-davis", r.source());
      assertEquals(List.of("00000", "00001", "00002", "00003", "00004"), r.frameNames());
      SynthVideo v = plan.get(r.video());
      int exp = Integer.parseInt(r.expId());
      int rank = exp / 4;
      SceneObject o = v.objects.get(rank);
      assertEquals(List.of(o.objId), r.objIds(), "exp_id = 4 x object rank + annotator");
      assertTrue(r.expression().contains(o.colour.name()), r.expression());
      for (int t = 0; t < v.frameCount(); t++) {
        // the void ring never leaks into an object's mask
        assertEquals(v.mask(rank, t), r.masks().get(t).decode(), r.video() + "/" + exp + " " + t);
      }
    }
    Set<String> texts = new HashSet<>();
    for (ClipRecord r : recs.subList(0, 4)) {
      texts.add(r.expression());
    }
    assertEquals(4, texts.size(), "four annotators word it four ways");
  }

  private static Map<String, byte[]> tree(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesIdenticalFilesAndAnotherSeedDiffers() throws IOException {
    for (Layout l : Layout.values()) {
      SynthConfig cfg = new SynthConfig(l, 99, 3, 4, 48, 48);
      Path a = tmp.resolve(l.id() + "-a");
      Path b = tmp.resolve(l.id() + "-b");
      Path c = tmp.resolve(l.id() + "-c");
      SyntheticDatasets.generate(cfg, a);
      SyntheticDatasets.generate(cfg, b);
      SyntheticDatasets.generate(new SynthConfig(l, 100, 3, 4, 48, 48), c);
      Map<String, byte[]> ta = tree(a);
      Map<String, byte[]> tb = tree(b);
      Map<String, byte[]> tc = tree(c);
      assertEquals(ta.keySet(), tb.keySet());
      for (String f : ta.keySet()) {
        assertArrayEquals(ta.get(f), tb.get(f), l.id() + ": " + f + " differs for the same seed");
      }
      List<String> same = new ArrayList<>();
      for (String f : ta.keySet()) {
        if (tc.containsKey(f) && java.util.Arrays.equals(ta.get(f), tc.get(f))) {
          same.add(f);
        }
      }
      assertTrue(same.stream().noneMatch(f -> f.endsWith(".jpg")), l.id() + ": " + same);
    }
  }

  @Test
  void refusesANonEmptyOutputDirectory() throws IOException {
    Files.writeString(tmp.resolve("keep.txt"), "x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SyntheticDatasets.generate(SynthConfig.defaults(Layout.EGOMASK_TRAIN), tmp));
    assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains(tmp.toString()),
        e.getMessage());
  }

  @Test
  void configValidationNamesFieldAndValue() {
    assertEquals(
        "videos must be positive, found 0",
        assertThrows(IllegalArgumentException.class,
            () -> new SynthConfig(Layout.EGOMASK_TRAIN, 1, 0, 8, 64, 64)).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class,
            () -> new SynthConfig(Layout.EGOMASK_TRAIN, 1, 2, 3, 64, 64)).getMessage()
            .contains("frames must be in 4..10000, found 3"));
    assertTrue(
        assertThrows(IllegalArgumentException.class,
            () -> new SynthConfig(Layout.EGOMASK_BENCH, 1, 2, 8, 64, 64)).getMessage()
            .contains("found 2"));
    assertTrue(
        assertThrows(IllegalArgumentException.class,
            () -> new SynthConfig(Layout.REF_YOUTUBE_VOS, 1, 2, 8, 16, 64)).getMessage()
            .contains("height must be in 32..2048, found 16"));
    SynthConfig d = SynthConfig.defaults(Layout.REF_YOUTUBE_VOS);
    assertEquals(24, d.videos());
    assertEquals(8, d.frames());
    assertEquals(64, d.height());
    assertEquals(64, d.width());
  }

  @Test
  void layoutIds() {
    for (Layout l : Layout.values()) {
      assertEquals(l, Layout.fromId(l.id()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Layout.fromId("davis"));
    assertTrue(e.getMessage().contains("egomask-train, egomask-bench, ref-youtube-vos, mevis, ref-davis"),
        e.getMessage());
  }
}
