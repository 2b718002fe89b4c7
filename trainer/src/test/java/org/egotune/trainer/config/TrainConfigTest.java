package org.egotune.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainConfigTest {
  static TrainConfig with(int batch, int points, double oversample, double importance, double clip,
      int accumulation, int evalEvery) {
    return TrainConfig.builder().set(TrainConfig.BATCH_SIZE, batch).set(TrainConfig.POINT_SAMPLES, points)
        .set(TrainConfig.POINT_OVERSAMPLE_RATIO, oversample).set(TrainConfig.POINT_IMPORTANCE_RATIO, importance)
        .set(TrainConfig.GRAD_CLIP_NORM, clip).set(TrainConfig.GRAD_ACCUMULATION, accumulation)
        .set(TrainConfig.EVAL_EVERY, evalEvery).build();
  }

  static void rejects(String field, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(field), e.getMessage());
  }

  @Test
  void newFieldsAreValidatedWithTheirNames() {
    rejects("train.pointSamples", () -> with(4, -1, 3, 0.75, 1, 1, 0));
    rejects("train.pointOversampleRatio", () -> with(4, 8, 0.5, 0.75, 1, 1, 0));
    rejects("train.pointImportanceRatio", () -> with(4, 8, 3, 1.5, 1, 1, 0));
    rejects("train.gradClipNorm", () -> with(4, 8, 3, 0.75, -1, 1, 0));
    rejects("train.gradAccumulation", () -> with(4, 8, 3, 0.75, 1, 0, 0));
    rejects("train.gradAccumulation", () -> with(6, 8, 3, 0.75, 1, 4, 0));
    rejects("train.evalEvery", () -> with(4, 8, 3, 0.75, 1, 1, -5));
    assertEquals(3, with(6, 0, 3, 0.75, 0, 2, 0).microBatchSize());
  }

  @Test
  void theRecipeIsSa2vas() {
    TrainConfig r = TrainConfig.sa2vaRecipe(1000);
    assertEquals(16, r.batchSize());
    assertEquals(5, r.framesPerSample());
    assertEquals(4e-6, r.learningRate());
    assertEquals(0.05, r.weightDecay());
    assertEquals(12_544, r.pointSamples());
    assertEquals(1.0, r.gradClipNorm());
    assertEquals(50, r.warmupSteps());
    assertEquals(0.0, r.finalLrRatio());
    TrainConfig d = TrainConfig.defaults();
    assertEquals(0, d.pointSamples(), "dense loss on the tiny preset");
    assertEquals(1, d.gradAccumulation());
  }
}
