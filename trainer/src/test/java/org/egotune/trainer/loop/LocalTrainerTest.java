package org.egotune.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LocalTrainerTest {
  static final ModelConfig MODEL = new ModelConfig("tiny", 16, 32, 8, 1L);
  // Constant learning rate: the test is about the loss and the optimizer, not the schedule.
  static final TrainConfig TRAIN =
      new TrainConfig(42L, 40, 4, 4, 3e-3, 0.01, 0.9, 0.999, 2.0, 0.5, 1.0, 0.5, 0.5);

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
    LocalTrainer t = new LocalTrainer(small,
        new TrainConfig(42L, 40, 4, 1, 1e-2, 0.01, 0.9, 0.999, 2.0, 0.5, 1.0, 0.5, 0.5));
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

  @Test
  void optimizerStateIsThereBeforeTheFirstStep() {
    LocalTrainer t = new LocalTrainer(MODEL, TRAIN);
    float[] state = t.optimizerState();
    assertEquals(2 * t.params().length, state.length, "Adam keeps M and V per parameter");
  }
}
