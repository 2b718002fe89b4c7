package org.egotune.trainer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.model.ModelConfig;
import org.egotune.model.depth.DepthHead;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.data.BatchMaker;
import org.egotune.trainer.data.FeatureSource;
import org.egotune.trainer.loop.LocalTrainer;
import org.junit.jupiter.api.Test;

/**
 * The depth presets' synthetic patch tokens: one token per 4 x 4 patch of the frame at the output
 * grid, depending on that patch's pixels and position only; and the released preset trains on them.
 */
class SyntheticDepthFeaturesTest {

  static BufferedImage image(int side, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.setRGB(x, y, rng.nextInt(1 << 24));
      }
    }
    return img;
  }

  @Test
  void aTokenDependsOnItsOwnPatchAndPositionOnly() {
    ModelConfig small = ModelConfig.preset(ModelConfig.DEPTH_SMALL, 1L); // g = 8, D = 64, 32 x 32 grid
    SyntheticFeatures gen = new SyntheticFeatures(small, 5L);
    BufferedImage a = image(32, 1);
    float[] ta = gen.frame(a).get(DepthHead.PATCH_TOKENS);
    assertEquals(8 * 8 * 64, ta.length);
    // Repaint the 4 x 4 patch at row 2, column 3.
    BufferedImage b = image(32, 1);
    for (int y = 8; y < 12; y++) {
      for (int x = 12; x < 16; x++) {
        b.setRGB(x, y, 0x8040c0);
      }
    }
    float[] tb = gen.frame(b).get(DepthHead.PATCH_TOKENS);
    for (int t = 0; t < 64; t++) {
      float[] ra = Arrays.copyOfRange(ta, t * 64, (t + 1) * 64);
      float[] rb = Arrays.copyOfRange(tb, t * 64, (t + 1) * 64);
      if (t == 2 * 8 + 3) {
        assertFalse(Arrays.equals(ra, rb), "the repainted patch's token changes");
      } else {
        assertArrayEquals(ra, rb, "token " + t + " does not see another patch");
      }
    }
    // A uniform frame: every patch has the same pixels, so tokens differ by position alone.
    BufferedImage flat = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    float[] tf = gen.frame(flat).get(DepthHead.PATCH_TOKENS);
    assertFalse(Arrays.equals(Arrays.copyOfRange(tf, 0, 64), Arrays.copyOfRange(tf, 63 * 64, 64 * 64)),
        "position is in the token");
    assertArrayEquals(ta, new SyntheticFeatures(small, 5L).frame(a).get(DepthHead.PATCH_TOKENS), "fixed per seed");
    assertFalse(Arrays.equals(ta, new SyntheticFeatures(small, 6L).frame(a).get(DepthHead.PATCH_TOKENS)));
  }

  @Test
  void theReleasedPresetTrainsOnItsSyntheticTokens() {
    ModelConfig full = ModelConfig.preset(ModelConfig.DEPTH_FULL, 1L); // 4 x 14 x 14 x 768 -> 4 x 56 x 56
    SyntheticFeatures gen = new SyntheticFeatures(full, 5L);
    List<float[]> tokens = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Rle> masks = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    List<float[]> depths = new ArrayList<>();
    for (int f = 0; f < 5; f++) {
      float[] t = gen.frame(image(112, 10 + f)).get(DepthHead.PATCH_TOKENS);
      assertEquals(196 * 768, t.length);
      for (float v : t) {
        assertTrue(v > -1 && v < 1);
      }
      tokens.add(t);
      names.add("f" + f);
      masks.add(null);
      frames.add(new byte[0]);
      float[] d = new float[112 * 112];
      Arrays.fill(d, 0.1f * (f + 1));
      depths.add(d);
    }
    ClipRecord r = new ClipRecord("depth", "v", "depth", "", List.of(), names, names, masks, Set.copyOf(names),
        112, 112, names);
    FeatureSource source = (input, rec, f) -> tokens.get(f);
    Batch batch = new BatchMaker(full, 5, 3L, source).make(List.of(new Sample(r, frames, depths)), new long[] {0});
    assertArrayEquals(new long[] {1, 4, 196, 768}, batch.inputs().get(DepthHead.PATCH_TOKENS).shape());
    assertArrayEquals(new long[] {1, 4, 56, 56}, batch.mask().shape());
    LocalTrainer trainer = new LocalTrainer(full,
        TrainConfig.builder().set(TrainConfig.BATCH_SIZE, 1).set(TrainConfig.WARMUP_STEPS, 0).build());
    double before = trainer.loss(batch);
    trainer.step(batch);
    double after = trainer.loss(batch);
    assertTrue(Double.isFinite(before) && after < before, before + " -> " + after);
  }
}
