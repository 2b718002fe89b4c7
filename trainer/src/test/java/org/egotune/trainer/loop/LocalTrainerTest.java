package org.egotune.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.egotune.model.ModelConfig;
import org.egotune.mixer.seed.Seeds;
import org.egotune.trainer.loss.PointLoss;
import org.egotune.trainer.loss.PointSampler;
import org.egotune.trainer.loss.SegLoss;
import org.egotune.model.params.ParamTable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.egotune.model.SegModel;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LocalTrainerTest {
  static final ModelConfig MODEL = ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16)
      .set(ModelConfig.VOCAB, 32).set(ModelConfig.CHANNELS, 8).set(ModelConfig.INIT_SEED, 1L).build();
  // Constant learning rate, no clipping: the test is about the loss and the optimizer, not the schedule.
  static final TrainConfig TRAIN = TrainConfig.builder().set(TrainConfig.STEPS, 40)
      .set(TrainConfig.FRAMES_PER_SAMPLE, 4).set(TrainConfig.WARMUP_STEPS, 0)
      .set(TrainConfig.GRAD_CLIP_NORM, 0.0).build();

  /** A batch where the target is a bright square whose position the mask must follow. */
  static Batch squares(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    int s = MODEL.imageSize();
    float[] frames = new float[n * 3 * s * s];
    float[] mask = new float[n * s * s];
    float[] presence = new float[n];
    for (int i = 0; i < n; i++) {
      boolean present = i % 2 == 0;
      int y0 = rng.nextInt(s - 5);
      int x0 = rng.nextInt(s - 5);
      for (int p = 0; p < 3 * s * s; p++) {
        frames[i * 3 * s * s + p] = (float) (rng.nextDouble() * 0.2 - 0.6);
      }
      if (present) {
        presence[i] = 1;
        for (int y = y0; y < y0 + 5; y++) {
          for (int x = x0; x < x0 + 5; x++) {
            frames[i * 3 * s * s + y * s + x] = 1f;
            mask[i * s * s + y * s + x] = 1f;
          }
        }
      }
    }
    float[] tokens = new float[n * MODEL.vocab()];
    for (int i = 0; i < n; i++) {
      tokens[i * MODEL.vocab() + 3] = 1f;
    }
    return new Batch(
        java.util.Map.of(
            SegModel.FRAMES, Nd4j.create(frames, new long[] {n, 3, s, s}, 'c'),
            SegModel.TOKENS, Nd4j.create(tokens, new long[] {n, MODEL.vocab()}, 'c')),
        Nd4j.create(mask, new long[] {n, 1, s, s}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'),
        n);
  }

  @Test
  void lossFallsOnATinyBatch() {
    LocalTrainer t = new LocalTrainer(MODEL, TRAIN);
    Batch b = squares(5, 8);
    double before = t.loss(b);
    for (int i = 0; i < 40; i++) {
      t.step(b);
    }
    double after = t.loss(b);
    assertTrue(after < 0.5 * before, "loss should at least halve: before " + before + " after " + after);
    assertEquals(40, t.iteration());
  }

  /**
   * The SAM2 preset learns on features: the target is where channel 0 of s0 is high, which the
   * decoder's high-resolution path can pick up.
   */
  @Test
  void sam2SmallLossFallsOnFeatures() {
    ModelConfig small = ModelConfig.preset(ModelConfig.SAM2_SMALL, 1L);
    int n = 4;
    SplittableRandom rng = new SplittableRandom(3);
    java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> in = new java.util.LinkedHashMap<>();
    SegModel.inputShapes(small).forEach((name, shape) -> {
      long[] s = shape.clone();
      s[0] = n;
      float[] v = new float[(int) (n * org.egotune.trainer.data.FeatureSource.rowSize(shape))];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rng.nextDouble() - 0.5);
      }
      in.put(name, Nd4j.create(v, s, 'c'));
    });
    int m = small.maskSize();
    float[] s0 = in.get(org.egotune.model.sam2.Sam2Decoder.HIGH_RES_S0).data().asFloat();
    float[] mask = new float[n * m * m];
    float[] presence = new float[n];
    for (int i = 0; i < n; i++) {
      presence[i] = i < 3 ? 1 : 0;
      for (int y = 8 + 4 * i; y < 30 + 4 * i && presence[i] == 1; y++) {
        for (int x = 10; x < 34; x++) {
          s0[i * 4 * m * m + y * m + x] = 2f;
          mask[i * m * m + y * m + x] = 1f;
        }
      }
    }
    in.put(org.egotune.model.sam2.Sam2Decoder.HIGH_RES_S0, Nd4j.create(s0, new long[] {n, 4, m, m}, 'c'));
    Batch b = new Batch(in, Nd4j.create(mask, new long[] {n, 1, m, m}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'), n);
    // A higher rate than the tiny preset's: few steps, since each one costs about a second.
    LocalTrainer t = new LocalTrainer(small, TRAIN.toBuilder().set(TrainConfig.FRAMES_PER_SAMPLE, 1)
        .set(TrainConfig.LEARNING_RATE, 1e-2).build());
    double before = t.loss(b);
    for (int i = 0; i < 8; i++) {
      t.step(b);
    }
    double after = t.loss(b);
    assertTrue(after < 0.8 * before, "loss should fall: before " + before + " after " + after);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> t.step(squares(1, 2)));
    assertTrue(e.getMessage().contains("seg_hidden_state"), e.getMessage());
  }

  @Test
  void stateTransferContinuesBitForBit() {
    LocalTrainer a = new LocalTrainer(MODEL, TRAIN);
    for (int i = 0; i < 3; i++) {
      a.step(squares(i, 4));
    }
    LocalTrainer b = new LocalTrainer(MODEL, TRAIN);
    b.setParams(a.params());
    b.setOptimizerState(a.optimizerState());
    b.setIteration(a.iteration());
    assertArrayEquals(a.params(), b.params());
    assertArrayEquals(a.optimizerState(), b.optimizerState());
    for (int i = 3; i < 6; i++) {
      a.step(squares(i, 4));
      b.step(squares(i, 4));
    }
    assertArrayEquals(a.params(), b.params(), "same state + same data must give the same parameters");
    assertArrayEquals(a.optimizerState(), b.optimizerState());
  }

  /** TRAIN with clipping, accumulation and point sampling set. */
  static TrainConfig with(int batch, int points, double clip, int accumulation) {
    return TRAIN.toBuilder().set(TrainConfig.BATCH_SIZE, batch).set(TrainConfig.FRAMES_PER_SAMPLE, 1)
        .set(TrainConfig.POINT_SAMPLES, points).set(TrainConfig.GRAD_CLIP_NORM, clip)
        .set(TrainConfig.GRAD_ACCUMULATION, accumulation).build();
  }

  @Test
  void withoutClippingOrAccumulationAStepIsPlainFitBitForBit() {
    LocalTrainer ours = new LocalTrainer(MODEL, with(4, 0, 0, 1));
    // The reference: the same graph trained by SameDiff's own fit with ND4J's AdamW.
    SameDiff plain = LocalTrainer.plainFitReference(MODEL, with(4, 0, 0, 1));
    ParamTable table = ParamTable.of(plain);
    assertArrayEquals(table.flatten(plain), ours.params());
    for (int i = 0; i < 4; i++) {
      Batch b = squares(10 + i, 4);
      ours.step(b);
      plain.fit(LocalTrainer.plainFitData(MODEL, b));
      assertArrayEquals(table.flatten(plain), ours.params(), "after step " + (i + 1));
    }
  }

  @Test
  void accumulatingMicroBatchesEqualsOneLargeBatch() {
    LocalTrainer whole = new LocalTrainer(MODEL, with(8, 0, 0, 1));
    LocalTrainer halves = new LocalTrainer(MODEL, with(8, 0, 0, 2));
    LocalTrainer quarters = new LocalTrainer(MODEL, with(8, 0, 0, 4));
    for (int i = 0; i < 3; i++) {
      // Present targets unevenly spread over the micro-batches, so a per-micro-batch Dice mean
      // would differ from the whole batch's.
      Batch b = squares(20 + i, 8);
      b.presence().putScalar(2, 0);
      whole.step(b);
      halves.step(b);
      quarters.step(b);
    }
    float[] p = whole.params();
    float[] delta = new float[p.length];
    float[] init = new LocalTrainer(MODEL, with(8, 0, 0, 1)).params();
    double maxDelta = 0;
    for (int i = 0; i < p.length; i++) {
      delta[i] = p[i] - init[i];
      maxDelta = Math.max(maxDelta, Math.abs(delta[i]));
    }
    assertTrue(maxDelta > 1e-3, "the steps must move the parameters: " + maxDelta);
    assertClose(p, halves.params(), 2e-5, "2 micro-batches of 4");
    assertClose(p, quarters.params(), 2e-5, "4 micro-batches of 2");
    assertEquals(whole.lastGradNorm(), quarters.lastGradNorm(), 1e-4 * whole.lastGradNorm());
  }

  @Test
  void clippingScalesTheGradientTheOptimizerSees() {
    Batch b = squares(31, 4);
    LocalTrainer free = new LocalTrainer(MODEL, with(4, 0, 0, 1));
    free.step(b);
    double norm = free.lastGradNorm();
    double clip = norm / 4;
    LocalTrainer clipped = new LocalTrainer(MODEL, with(4, 0, clip, 1));
    clipped.step(b);
    assertEquals(norm, clipped.lastGradNorm(), 0, "the reported norm is the one before clipping");
    // After one step Adam's first moment is (1 - beta1) x the gradient it was given, per parameter
    // (the flat state holds M then V for each parameter).
    float[] mFree = free.optimizerState();
    float[] mClip = clipped.optimizerState();
    double scale = clip / (norm + 1e-6);
    double sumSq = 0;
    int off = 0;
    for (org.egotune.model.params.ParamTable.Entry e : free.model().params().entries()) {
      for (int i = 0; i < e.length(); i++) {
        float m = mFree[off + i];
        assertEquals(m * scale, mClip[off + i], 1e-6 * Math.abs(m) + 1e-12, e.name());
        double g = mClip[off + i] / (1 - TRAIN.beta1());
        sumSq += g * g;
      }
      off += 2 * (int) e.length();
    }
    assertEquals(clip, Math.sqrt(sumSq), 1e-4 * clip, "the clipped gradient has the bound's norm");
    // A bound above the norm changes nothing.
    LocalTrainer loose = new LocalTrainer(MODEL, with(4, 0, norm * 2, 1));
    loose.step(b);
    assertArrayEquals(free.params(), loose.params());
  }

  @Test
  void clippedAccumulatedPointSampledRunsAreDeterministicAndResumable() {
    TrainConfig cfg = with(4, 64, 0.05, 2);
    LocalTrainer a = new LocalTrainer(MODEL, cfg);
    LocalTrainer again = new LocalTrainer(MODEL, cfg);
    for (int i = 0; i < 3; i++) {
      a.step(squares(i, 4), 1000 + i);
      again.step(squares(i, 4), 1000 + i);
    }
    assertArrayEquals(a.params(), again.params(), "same inputs, same parameters");
    LocalTrainer b = new LocalTrainer(MODEL, cfg);
    b.setParams(a.params());
    b.setOptimizerState(a.optimizerState());
    b.setIteration(a.iteration());
    for (int i = 3; i < 6; i++) {
      a.step(squares(i, 4), 1000 + i);
      b.step(squares(i, 4), 1000 + i);
    }
    assertArrayEquals(a.params(), b.params(), "a resumed run continues bit for bit");
    assertArrayEquals(a.optimizerState(), b.optimizerState());
    assertEquals(6, b.iteration());
  }

  @Test
  void pointSampledLossIsThePointTermsPlusPresenceAndTrains() {
    TrainConfig cfg = with(8, 96, 0, 1);
    LocalTrainer t = new LocalTrainer(MODEL, cfg);
    Batch b = squares(41, 8);
    INDArray[] out = t.model().predict(b.inputs());
    float[] logits = out[0].dup('c').data().asFloat();
    float[] present = b.presence().dup('c').data().asFloat();
    int s = MODEL.imageSize();
    PointSampler.Points pts = PointSampler.sample(logits, b.mask().dup('c').data().asFloat(), 8, s,
        96, 3.0, 0.75, Seeds.mix(cfg.seed(), 7, 0));
    double presenceBce = 0;
    for (int i = 0; i < 8; i++) {
      double p = 1 / (1 + Math.exp(-out[1].getDouble(i, 0)));
      presenceBce -= present[i] * Math.log(p) + (1 - present[i]) * Math.log(1 - p);
    }
    double expected = PointLoss.of(logits, pts, 96, present, SegLoss.diceCount(4, 1), 2.0, 0.5)
        .value() + presenceBce / 8;
    double before = t.loss(b, 7);
    assertEquals(expected, before, 1e-5 * expected);
    for (int i = 0; i < 40; i++) {
      t.step(b);
    }
    double after = t.loss(b, 7);
    assertTrue(after < 0.6 * before, "loss should fall by at least 40 %: before " + before + " after " + after);
  }

  static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, what + ": parameter " + i);
    }
  }

  @Test
  void optimizerStateIsThereBeforeTheFirstStep() {
    LocalTrainer t = new LocalTrainer(MODEL, TRAIN);
    float[] state = t.optimizerState();
    assertEquals(2 * t.params().length, state.length, "Adam keeps M and V per parameter");
  }
}
