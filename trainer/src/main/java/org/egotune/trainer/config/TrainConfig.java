package org.egotune.trainer.config;

import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;

/**
 * How one worker trains: optimizer, batch shape, loss weights and length. Each field's key,
 * meaning, default and valid range is its {@link Param} below (defaults sized for the embedded
 * quickstart on two CPU cores); the constructor rejects a bad value with a message naming the key
 * and the value. Build one with {@link #builder()} or {@link #toBuilder()}.
 */
public record TrainConfig(
    long seed,
    int steps,
    int batchSize,
    int framesPerSample,
    double learningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double maskBceWeight,
    double diceWeight,
    double presenceWeight,
    double maskThreshold,
    double presenceThreshold,
    int warmupSteps,
    double finalLrRatio,
    int pointSamples,
    double pointOversampleRatio,
    double pointImportanceRatio,
    double gradClipNorm,
    int gradAccumulation,
    int evalEvery,
    boolean depthDeepSupervision)
    implements java.io.Serializable {

  // Defaults: a short warm-up, then constant: on the tiny preset a cosine decay to 0.1 at this
  // budget ended lower (IoU_gold_with_pred 32.6 vs 52.7 on the quickstart, measured 2026-11-23).
  // Dense loss: at 32x32 a frame has 1,024 pixels, and the recipe's 12,544 points would sample
  // each pixel about twelve times over; point sampling only pays where masks are large.
  // Clipping at 1.0 as the full-size recipe: it only acts on the rare spike at this size.

  /** The {@code train} section's fields. */
  public static final Schema<TrainConfig> SCHEMA = new Schema<>("train", TrainConfig.class);
  public static final Param<Long> SEED = SCHEMA.param("seed", 42L, Range.any(), "--seed",
      "job seed: mixer order and frame draws (every random stream is split from it)");
  public static final Param<Integer> STEPS = SCHEMA.param("steps", 300, Range.atLeast(1), "--steps",
      "optimizer steps per worker");
  public static final Param<Integer> BATCH_SIZE = SCHEMA.param("batchSize", 4, Range.atLeast(1), "--batch-size",
      "samples per worker per step");
  public static final Param<Integer> FRAMES_PER_SAMPLE = SCHEMA.param("framesPerSample", 5, Range.atLeast(1), "",
      "frames drawn per sample (T; the Sa2VA recipe uses 5). The depth presets ignore it: a clip is the"
          + " preset's own T frames ([models.md](models.md#training-a-depth-preset))");
  public static final Param<Double> LEARNING_RATE = SCHEMA.param("learningRate", 3e-3, Range.above(0), "--lr",
      "AdamW peak learning rate");
  public static final Param<Double> WEIGHT_DECAY = SCHEMA.param("weightDecay", 0.01, Range.atLeast(0), "",
      "AdamW decoupled weight decay");
  public static final Param<Double> BETA1 = SCHEMA.param("beta1", 0.9, Range.open(0, 1), "", "AdamW beta1");
  public static final Param<Double> BETA2 = SCHEMA.param("beta2", 0.999, Range.open(0, 1), "", "AdamW beta2");
  public static final Param<Double> MASK_BCE_WEIGHT = SCHEMA.param("maskBceWeight", 2.0, Range.atLeast(0), "",
      "weight of the mask sigmoid cross-entropy (Sa2VA: 2.0); the three loss weights must not all be 0");
  public static final Param<Double> DICE_WEIGHT = SCHEMA.param("diceWeight", 0.5, Range.atLeast(0), "",
      "weight of the Dice loss (frames with the target present; Sa2VA: 0.5)");
  public static final Param<Double> PRESENCE_WEIGHT = SCHEMA.param("presenceWeight", 1.0, Range.atLeast(0), "",
      "weight of the presence cross-entropy");
  public static final Param<Double> MASK_THRESHOLD = SCHEMA.param("maskThreshold", 0.5, Range.open(0, 1), "",
      "probability above which a pixel is foreground");
  public static final Param<Double> PRESENCE_THRESHOLD = SCHEMA.param("presenceThreshold", 0.5,
      Range.open(0, 1), "", "probability above which the target counts as present");
  public static final Param<Integer> WARMUP_STEPS = SCHEMA.param("warmupSteps", 10, Range.atLeast(0), "",
      "linear warm-up steps (from lr/warmup to lr; at most `train.steps` are used)");
  public static final Param<Double> FINAL_LR_RATIO = SCHEMA.param("finalLrRatio", 1.0, Range.closed(0, 1), "",
      "after warm-up, a half cosine down to lr x this at the last step (1 = constant)");
  public static final Param<Integer> POINT_SAMPLES = SCHEMA.param("pointSamples", 0, Range.atLeast(0), "",
      "mask-loss points per frame, chosen by uncertainty (SAM2 / Mask2Former importance sampling); 0 ="
          + " dense loss over every pixel. The full-size recipe uses 12544; at the tiny preset's 32x32"
          + " (1,024 pixels) points would only resample pixels, see [training.md](training.md#loss)");
  public static final Param<Double> POINT_OVERSAMPLE_RATIO = SCHEMA.param("pointOversampleRatio", 3.0,
      Range.atLeast(1), "", "candidate points drawn per chosen point before the most uncertain are kept");
  public static final Param<Double> POINT_IMPORTANCE_RATIO = SCHEMA.param("pointImportanceRatio", 0.75,
      Range.closed(0, 1), "",
      "share of the points taken from the most uncertain candidates; the rest are uniform");
  public static final Param<Double> GRAD_CLIP_NORM = SCHEMA.param("gradClipNorm", 1.0, Range.atLeast(0), "",
      "clip the averaged gradient to this global L2 norm before AdamW (0 = no clipping); 1.0 as Sa2VA's"
          + " and LISA's trainers");
  public static final Param<Integer> GRAD_ACCUMULATION = SCHEMA.param("gradAccumulation", 1, Range.atLeast(1), "",
      "micro-batches each step's `train.batchSize` samples are split into (it must divide"
          + " `train.batchSize`); their gradients are averaged before one optimizer step (same update,"
          + " less memory)");
  public static final Param<Integer> EVAL_EVERY = SCHEMA.param("evalEvery", 0, Range.atLeast(0), "--eval-every",
      "evaluate the averaged parameters on `data.benchmark` / `data.split` every N steps (at the first"
          + " round end at or after each multiple, and at the end), into `metrics.jsonl` and"
          + " `validation.png`; 0 = never");
  public static final Param<Boolean> DEPTH_DEEP_SUPERVISION = SCHEMA.param("depthDeepSupervision", false,
      Range.any(), "", "depth presets: add the MSE of every earlier layer's prediction to the depth loss"
          + " (Mask2Former's auxiliary losses, weight 1 each); off as EgoDTM's release shows no sign of it,"
          + " see [models.md](models.md#egodtm-depth-egodtms-depth-decoder)");

  public TrainConfig {
    STEPS.check(steps);
    BATCH_SIZE.check(batchSize);
    FRAMES_PER_SAMPLE.check(framesPerSample);
    LEARNING_RATE.check(learningRate);
    WEIGHT_DECAY.check(weightDecay);
    BETA1.check(beta1);
    BETA2.check(beta2);
    MASK_BCE_WEIGHT.check(maskBceWeight);
    DICE_WEIGHT.check(diceWeight);
    PRESENCE_WEIGHT.check(presenceWeight);
    if (maskBceWeight + diceWeight + presenceWeight == 0) {
      throw new IllegalArgumentException("train loss weights are all 0: nothing to learn");
    }
    MASK_THRESHOLD.check(maskThreshold);
    PRESENCE_THRESHOLD.check(presenceThreshold);
    WARMUP_STEPS.check(warmupSteps);
    FINAL_LR_RATIO.check(finalLrRatio);
    POINT_SAMPLES.check(pointSamples);
    POINT_OVERSAMPLE_RATIO.check(pointOversampleRatio);
    POINT_IMPORTANCE_RATIO.check(pointImportanceRatio);
    GRAD_CLIP_NORM.check(gradClipNorm);
    GRAD_ACCUMULATION.check(gradAccumulation);
    if (batchSize % gradAccumulation != 0) {
      throw new IllegalArgumentException("train.gradAccumulation must divide train.batchSize ("
          + batchSize + ") into equal micro-batches, found " + gradAccumulation);
    }
    EVAL_EVERY.check(evalEvery);
  }

  /** A builder holding the defaults. */
  public static Schema.Builder<TrainConfig> builder() {
    return SCHEMA.builder();
  }

  /** A builder holding this config's values. */
  public Schema.Builder<TrainConfig> toBuilder() {
    return SCHEMA.builder(this);
  }

  /** Samples in each micro-batch: {@code batchSize / gradAccumulation}. */
  public int microBatchSize() {
    return batchSize / gradAccumulation;
  }

  /** Defaults for the embedded {@code tiny} preset. */
  public static TrainConfig defaults() {
    return builder().build();
  }

  /**
   * The Sa2VA-4B fine-tuning recipe (../shared/DATA_FORMATS.md) for a full-size SAM2 decoder
   * preset: AdamW lr 4e-6, weight decay 0.05, global batch 16 of 5 frames, BCE x2 + Dice x0.5 on
   * 12,544 points sampled by uncertainty (oversample 3, importance 0.75). What the recipe does not
   * state is taken from the trainer it runs on (XTuner / DeepSpeed configs of Sa2VA and LISA):
   * betas (0.9, 0.999), gradient clipping at norm 1.0, 5 % linear warm-up, cosine decay to 0.
   * {@code steps} is a placeholder to set per run; the presence weight is ours (the recipe has
   * no presence loss).
   */
  public static TrainConfig sa2vaRecipe(int steps) {
    return builder().set(STEPS, steps).set(BATCH_SIZE, 16).set(FRAMES_PER_SAMPLE, 5)
        .set(LEARNING_RATE, 4e-6).set(WEIGHT_DECAY, 0.05).set(BETA1, 0.9).set(BETA2, 0.999)
        .set(MASK_BCE_WEIGHT, 2.0).set(DICE_WEIGHT, 0.5).set(WARMUP_STEPS, Math.max(1, steps / 20))
        .set(FINAL_LR_RATIO, 0.0).set(POINT_SAMPLES, 12_544).set(POINT_OVERSAMPLE_RATIO, 3.0)
        .set(POINT_IMPORTANCE_RATIO, 0.75).set(GRAD_CLIP_NORM, 1.0).build();
  }
}
