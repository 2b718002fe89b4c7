package org.egotune.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.model.ModelConfig;
import org.egotune.model.depth.DepthHead;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.loop.LocalTrainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Depth batches: clips of the preset's T frames with their stored tokens and area-resampled labels
 * (checked against hand-computed 2 x 2 means), and the trainer's depth loss against an MSE computed
 * here from the model's own prediction.
 */
class DepthBatchTest {
  static final ModelConfig SMALL = ModelConfig.preset(ModelConfig.DEPTH_SMALL, 3L);
  static final int FRAMES = 6;
  static final int SIDE = 64;

  /** Frame f's label: column x holds (x + 1) / 64 times (f + 1) / 8, so every value is in (0, 1]. */
  static float label(int f, int x) {
    return (x + 1) / 64f * (f + 1) / 8f;
  }

  static Sample sample(String video, boolean withDepth) {
    List<String> names = new ArrayList<>();
    List<Rle> masks = new ArrayList<>();
    List<String> depthFiles = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    List<float[]> depths = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      names.add(String.format("%05d", f));
      masks.add(null);
      depthFiles.add(names.get(f) + ".npy");
      frames.add(new byte[0]);
      float[] d = new float[SIDE * SIDE];
      for (int i = 0; i < d.length; i++) {
        d[i] = label(f, i % SIDE);
      }
      depths.add(d);
    }
    ClipRecord r = new ClipRecord("depth-train", video, "depth", "", List.of(), names, names, masks,
        Set.copyOf(names), SIDE, SIDE, withDepth ? depthFiles : List.of());
    return new Sample(r, frames, withDepth ? depths : List.of());
  }

  /** Tokens of frame f: value 1000 f + index, so a row tells which frame it came from. */
  static final FeatureSource TOKENS = (input, r, f) -> {
    assertEquals(DepthHead.PATCH_TOKENS, input);
    float[] v = new float[8 * 8 * 64];
    for (int i = 0; i < v.length; i++) {
      v[i] = 1000f * f + i;
    }
    return v;
  };

  @Test
  void aClipIsTheStoredTokensAndTheAreaMeanLabelsOfTDistinctFramesInOrder() {
    BatchMaker bm = new BatchMaker(SMALL, 5, 9L, TOKENS);
    Batch b = bm.make(List.of(sample("a", true), sample("b", true)), new long[] {0, 1});
    INDArray tokens = b.inputs().get(DepthHead.PATCH_TOKENS);
    assertArrayEquals(new long[] {2, 4, 64, 64}, tokens.shape());
    assertArrayEquals(new long[] {2, 4, 32, 32}, b.mask().shape(), "the preset's T x 4g x 4g, not framesPerSample");
    assertArrayEquals(new long[] {2, 1}, b.presence().shape());
    assertEquals(2, b.samples());
    for (int i = 0; i < 2; i++) {
      List<Integer> picked = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int f = (int) (tokens.getFloat(i, t, 0, 0) / 1000f);
        picked.add(f);
        assertEquals(1000f * f + 5 * 64 + 7, tokens.getFloat(i, t, 5, 7), "row of frame " + f);
        for (int ox : new int[] {0, 13, 31}) {
          // 64 -> 32 is a 2 x 2 mean: columns 2 ox and 2 ox + 1.
          float want = (label(f, 2 * ox) + label(f, 2 * ox + 1)) / 2;
          assertEquals(want, b.mask().getFloat(i, t, 17, ox), 1e-7, "frame " + f + " cell " + ox);
        }
      }
      assertEquals(4, new HashSet<>(picked).size(), "distinct frames " + picked);
      assertEquals(picked.stream().sorted().toList(), picked, "temporal order " + picked);
    }
    Batch again = bm.make(List.of(sample("a", true), sample("b", true)), new long[] {0, 1});
    assertEquals(tokens, again.inputs().get(DepthHead.PATCH_TOKENS), "a pure function of (seed, position)");
    Set<Integer> seen = new HashSet<>();
    for (long p = 0; p < 100; p++) {
      seen.addAll(bm.pickClip(sample("a", true).record(), new java.util.SplittableRandom(p)));
    }
    assertEquals(FRAMES, seen.size(), "every frame can be drawn");
  }

  @Test
  void aSampleWithoutDepthLabelsIsBadInputNamingIt() {
    BatchMaker bm = new BatchMaker(SMALL, 5, 9L, TOKENS);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> bm.make(List.of(sample("plain", false)), new long[] {0}));
    assertTrue(e.getCause() instanceof DatasetFormatException, e.toString());
    assertTrue(e.getCause().getMessage().contains("depth-train/plain") && e.getCause().getMessage()
        .contains(ModelConfig.DEPTH_SMALL), e.getCause().getMessage());
  }

  @Test
  void theTrainersDepthLossIsTheMseOfItsPredictionAndAStepLowersIt() {
    TrainConfig tc = TrainConfig.builder().set(TrainConfig.WARMUP_STEPS, 0).set(TrainConfig.BATCH_SIZE, 2).build();
    LocalTrainer trainer = new LocalTrainer(SMALL, tc);
    Batch b = new BatchMaker(SMALL, 5, 9L, TOKENS).make(List.of(sample("a", true), sample("b", true)),
        new long[] {0, 1});
    // Tokens of this size saturate nothing useful; scale them into a sane range first.
    INDArray tok = b.inputs().get(DepthHead.PATCH_TOKENS).div(20000f);
    Batch scaled = new Batch(java.util.Map.of(DepthHead.PATCH_TOKENS, tok), b.mask(), b.presence(), 2);
    float[] pred = trainer.model().predict(java.util.Map.of(DepthHead.PATCH_TOKENS, tok))[0].dup('c').data().asFloat();
    float[] target = b.mask().dup('c').data().asFloat();
    double sum = 0;
    for (int i = 0; i < pred.length; i++) {
      double d = pred[i] - target[i];
      sum += d * d;
    }
    double mse = sum / pred.length;
    double loss = trainer.loss(scaled);
    assertEquals(mse, loss, 1e-6 * Math.max(1, mse), "mean over every pixel of every frame");
    for (int s = 0; s < 5; s++) {
      trainer.step(scaled);
    }
    double after = trainer.loss(scaled);
    assertTrue(after < loss, "five steps lower the loss: " + loss + " -> " + after);
    for (float v : trainer.params()) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void deepSupervisionAddsTheMseOfEveryEarlierPrediction() {
    TrainConfig tc = TrainConfig.builder().set(TrainConfig.BATCH_SIZE, 1)
        .set(TrainConfig.DEPTH_DEEP_SUPERVISION, true).build();
    LocalTrainer trainer = new LocalTrainer(SMALL, tc);
    Batch b = new BatchMaker(SMALL, 5, 9L, TOKENS).make(List.of(sample("a", true)), new long[] {0});
    INDArray tok = b.inputs().get(DepthHead.PATCH_TOKENS).div(20000f);
    Batch scaled = new Batch(java.util.Map.of(DepthHead.PATCH_TOKENS, tok), b.mask(), b.presence(), 1);
    List<String> names = DepthHead.predictionNames(SMALL.depthConfig());
    assertEquals(SMALL.depthConfig().layers() + 1, names.size(), "the initial queries' and every layer's");
    var out = trainer.model().sameDiff().output(java.util.Map.of(DepthHead.PATCH_TOKENS, tok),
        names.toArray(new String[0]));
    float[] target = b.mask().dup('c').data().asFloat();
    double want = 0;
    for (String name : names) {
      float[] pred = out.get(name).dup('c').data().asFloat();
      double sum = 0;
      for (int i = 0; i < pred.length; i++) {
        double d = pred[i] - target[i];
        sum += d * d;
      }
      want += sum / pred.length;
    }
    assertEquals(want, trainer.loss(scaled), 1e-6 * want, "sum of the MSEs, weight 1 each");
  }
}
