package org.egotune.mixer.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.egotune.mixer.depth.DepthLabels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The depth layout's ray caster against closed-form distances, and the written labels against the
 * same closed forms.
 */
class DepthSynthTest {
  private static final int H = 48;
  private static final int W = 64;
  private static final double F = W; // the generator's focal length

  @TempDir Path tmp;

  private static double depthAt(DepthScene scene, DepthScene.Pose pose, double px, double py) {
    return scene.cast(pose, DepthScene.ray(pose, F, H, W, px, py)).depth;
  }

  /** The table's z-depth seen through row centre {@code py}: h / ((py - H/2) cos(p) / f + sin(p)). */
  private static double tableDepth(double camHeight, double pitch, double py) {
    return camHeight / ((py - H / 2.0) * Math.cos(pitch) / F + Math.sin(pitch));
  }

  @Test
  void tableDepthIsTheClosedFormWhateverTheYawAndPosition() {
    DepthScene empty = new DepthScene(100, List.of());
    DepthScene.Pose pose = new DepthScene.Pose(0.03, 0.45, -0.02, 0.07, 0.6);
    for (double py : new double[] {30.5, 40.5, 47.5}) {
      for (double px : new double[] {0.5, 20.5, 63.5}) {
        DepthScene.Hit h = empty.cast(pose, DepthScene.ray(pose, F, H, W, px, py));
        assertEquals(DepthScene.TABLE, h.id);
        assertEquals(tableDepth(0.45, 0.6, py), h.depth, 1e-12, "pixel " + px + "," + py);
        assertEquals(0, h.point[1], 1e-12); // on the plane y = 0
      }
    }
  }

  @Test
  void wallAndBoxFaceGiveDepthAlongTheAxisNotAlongTheRay() {
    DepthScene.Pose level = new DepthScene.Pose(0, 0.2, 0.3, 0, 0);
    DepthScene wall = new DepthScene(2.0, List.of());
    // rows above the centre look up: the wall, 1.7 m ahead along the axis for every column
    assertEquals(1.7, depthAt(wall, level, 0.5, 3.5), 1e-12);
    assertEquals(1.7, depthAt(wall, level, 40.5, 10.5), 1e-12);
    // yawed by 0.2 rad, the centre ray meets the wall after (2 - 0.3) / cos(0.2)
    DepthScene.Pose yawed = new DepthScene.Pose(0, 0.2, 0.3, 0.2, 0);
    assertEquals(1.7 / Math.cos(0.2), depthAt(wall, yawed, W / 2.0, H / 2.0), 1e-12);
    DepthScene box = new DepthScene(5.0, List.of(
        new DepthScene.Box(-0.5, 0.5, 1.0, 1.2, 0.4, Colour.ALL.get(0))));
    DepthScene.Pose cam = new DepthScene.Pose(0, 0.05, 0, 0, 0);
    DepthScene.Hit centre = box.cast(cam, DepthScene.ray(cam, F, H, W, W / 2.0, H / 2.0));
    assertEquals(DepthScene.FIRST_SOLID, centre.id);
    assertEquals(1.0, centre.depth, 1e-12);
    assertArrayEquals(new double[] {0, 0, -1}, centre.normal, 0);
    // 20 px right of centre the ray is longer by sqrt(1 + (20/64)^2), its depth is still 1
    assertEquals(1.0, depthAt(box, cam, W / 2.0 + 20, H / 2.0), 1e-12);
  }

  @Test
  void cylinderSideAndTop() {
    DepthScene scene = new DepthScene(5.0, List.of(
        new DepthScene.Cylinder(0, 2.0, 0.25, 0.5, Colour.ALL.get(1))));
    DepthScene.Pose level = new DepthScene.Pose(0, 0.1, 0, 0, 0);
    assertEquals(1.75, depthAt(scene, level, W / 2.0, H / 2.0), 1e-12);
    // looking straight down from 1 m above the axis: the top cap, 0.5 m below
    DepthScene.Pose down = new DepthScene.Pose(0, 1.0, 2.0, 0, Math.PI / 2);
    DepthScene.Hit top = scene.cast(down, DepthScene.ray(down, F, H, W, W / 2.0, H / 2.0));
    assertEquals(0.5, top.depth, 1e-12);
    assertArrayEquals(new double[] {0, 1, 0}, top.normal, 0);
    // a ray through the side 0.1 m off the axis (x = 0.1 at the hit): z = 2 - sqrt(0.25^2 - 0.1^2)
    double px = W / 2.0 + 0.1 / (2 - Math.sqrt(0.0625 - 0.01)) * F;
    assertEquals(2 - Math.sqrt(0.0625 - 0.01), depthAt(scene, level, px, H / 2.0), 1e-9);
  }

  @Test
  void normalisationIsPerFrameMinMaxOfInverseDepth() {
    double[] range = new double[2];
    float[] d = DepthSynth.normalise(new double[] {1, 2, 4, Double.POSITIVE_INFINITY}, range);
    // 1/z = 1, 0.5, 0.25 -> (x - 0.25) / 0.75; nothing hit -> 0
    assertArrayEquals(new float[] {1f, 1f / 3, 0f, 0f}, d, 1e-7f);
    assertArrayEquals(new double[] {0.25, 1.0}, range, 0);
  }

  @Test
  void writtenLabelsMatchTheClosedFormTableDepthAndMasksMatchTheirObjects() throws IOException {
    SynthConfig cfg = new SynthConfig(Layout.DEPTH, 4, 3, 5, H, W);
    SyntheticDatasets.generate(cfg, tmp);
    JsonNode index = new ObjectMapper().readTree(tmp.resolve("train/index.json").toFile());
    assertEquals("egotune-depth", index.get("format").asText());
    for (int i = 0; i < cfg.videos(); i++) {
      DepthSynth.Clip clip = DepthSynth.plan(cfg, i);
      JsonNode v = index.get("videos").get(clip.name());
      assertEquals(clip.scene().solids.size(), v.get("expressions").size());
      for (int t = 0; t < cfg.frames(); t++) {
        String name = v.get("frames").get(t).asText();
        Path npy = tmp.resolve("train/depth").resolve(clip.name()).resolve(name + ".npy");
        float[] label = DepthLabels.readNpy(npy.toString(), Files.readAllBytes(npy), H, W);
        double lo = v.get("inverse_depth_range").get(t).get(0).asDouble();
        double hi = v.get("inverse_depth_range").get(t).get(1).asDouble();
        DepthScene.Pose pose = clip.poses().get(t);
        // the bottom row always sees the table in front of every object
        for (int x = 0; x < W; x += 7) {
          double z = tableDepth(pose.y(), pose.pitch(), H - 0.5);
          assertEquals((1 / z - lo) / (hi - lo), label[(H - 1) * W + x], 2e-6,
              clip.name() + " frame " + t + " column " + x);
        }
        float max = 0;
        for (float f : label) {
          max = Math.max(max, f);
        }
        assertEquals(1f, max, "min-max: the nearest pixel is 1");
      }
      // every object is seen in some frame
      for (JsonNode e : v.get("expressions")) {
        boolean seen = false;
        for (JsonNode m : e.get("masks")) {
          seen |= !m.isNull();
        }
        assertTrue(seen, clip.name() + " " + e.get("exp"));
        assertTrue(e.get("exp").asText().matches("the [a-z]+ (box|cylinder)"), e.get("exp").asText());
      }
    }
  }
}
