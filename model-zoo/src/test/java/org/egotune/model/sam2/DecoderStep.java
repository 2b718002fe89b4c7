package org.egotune.model.sam2;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.egotune.model.Fitter;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * One training step of the SAM2 decoder on a fixed random batch: forward, mean sigmoid BCE on the
 * selected mask, backward, AdamW, through {@link Fitter} as the trainer runs it. The target is
 * learnable (where channel 0 of s0 is positive, which the mask head sees directly), so the loss
 * falls; {@code bench_torch.py} builds the same step in PyTorch.
 *
 * <p>Test code: model-zoo's tests train with it, and the bench module's decoder benchmark times it
 * (model-zoo's test jar carries only this class, see model-zoo/pom.xml).
 */
public final class DecoderStep {
  /** Placeholder of the target mask [B, 1, 4g, 4g]. */
  public static final String TARGET = "target";
  /** The loss variable. */
  public static final String LOSS = "loss";

  /** The decoder's inputs, in the order of the training config's feature mapping and the batch. */
  private static final String[] INPUTS = {Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0,
      Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN};

  private final Sam2Decoder decoder;
  private final MultiDataSet batch;
  private final Fitter fitter;

  /**
   * @param weightDecay AdamW's decoupled weight decay (0 for plain Adam)
   */
  public DecoderStep(Sam2DecoderConfig config, int batchSize, long seed, double learningRate, double weightDecay) {
    batch = randomBatch(config, batchSize, seed + 1);
    decoder = trainingGraph(config, seed, learningRate, weightDecay);
    fitter = new Fitter(decoder.sameDiff());
  }

  /**
   * The decoder with this step's loss and optimizer attached (training config set), ready for
   * {@code sd.fit} or a {@link Fitter}.
   *
   * @param weightDecay AdamW's decoupled weight decay (0 for plain Adam)
   */
  public static Sam2Decoder trainingGraph(Sam2DecoderConfig config, long seed, double learningRate,
      double weightDecay) {
    Sam2Decoder decoder = Sam2Decoder.build(config, seed);
    SameDiff sd = decoder.sameDiff();
    int side = config.maskSize();
    SDVariable target = sd.placeHolder(TARGET, DataType.FLOAT, -1, 1, side, side);
    bce(sd, sd.getVariable(Sam2Decoder.MASK_LOGITS), target).rename(LOSS);
    sd.setLossVariables(LOSS);
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(learningRate))
        // applyLR=true makes the decay decoupled and scaled by the learning rate: AdamW.
        .weightDecay(weightDecay, true)
        .dataSetFeatureMapping(INPUTS)
        .dataSetLabelMapping(TARGET)
        .build());
    return decoder;
  }

  /**
   * A batch for {@link #trainingGraph}: unit-variance random inputs drawn from {@code seed} (not
   * ND4J's global RNG) and the learnable target, where channel 0 of s0 is positive.
   */
  public static MultiDataSet randomBatch(Sam2DecoderConfig config, int batchSize, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
    }
    INDArray[] in = randomInputs(config, batchSize, new SplittableRandom(seed));
    INDArray y = in[1].get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).gt(0).castTo(DataType.FLOAT);
    return new MultiDataSet(in, new INDArray[] {y});
  }

  public Sam2Decoder decoder() {
    return decoder;
  }

  /** One optimizer step on the fixed batch. */
  public void step() {
    fitter.fit(batch);
  }

  /** How many of the steps' array requests the training session served from its cache. */
  public String memoryStats() {
    return fitter.memoryStats();
  }

  /** The loss on the fixed batch (one forward pass, no update). */
  public double loss() {
    return loss(decoder.sameDiff(), batch);
  }

  /** The loss of {@link #trainingGraph} {@code sd} on {@code batch} (one forward pass, no update). */
  public static double loss(SameDiff sd, MultiDataSet batch) {
    Map<String, INDArray> ph = new HashMap<>();
    for (int i = 0; i < INPUTS.length; i++) {
      ph.put(INPUTS[i], batch.getFeatures(i));
    }
    ph.put(TARGET, batch.getLabels(0));
    return sd.output(ph, LOSS).get(LOSS).getDouble(0);
  }

  /** Mean sigmoid binary cross-entropy from logits, in the stable form max(x, 0) - x y + log(1 + e^-|x|). */
  public static SDVariable bce(SameDiff sd, SDVariable x, SDVariable y) {
    SDVariable l = sd.nn().relu(x, 0.0).sub(x.mul(y))
        .add(sd.math().log1p(sd.math().exp(sd.math().abs(x).neg())));
    return l.mean();
  }

  /** Unit-variance decoder inputs (image, s0, s1, [SEG]) from {@code rng}, not ND4J's global RNG. */
  static INDArray[] randomInputs(Sam2DecoderConfig cfg, int b, SplittableRandom rng) {
    int c = cfg.width();
    int g = cfg.gridSize();
    return new INDArray[] {
      uniform(rng, b, c, g, g),
      uniform(rng, b, c / 8, 4 * g, 4 * g),
      uniform(rng, b, c / 4, 2 * g, 2 * g),
      uniform(rng, b, cfg.promptInDim())
    };
  }

  private static INDArray uniform(SplittableRandom rng, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] v = new float[Math.toIntExact(n)];
    double a = Math.sqrt(3.0); // U(-sqrt 3, sqrt 3) has unit variance, like the reference's randn
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2 - 1) * a);
    }
    return Nd4j.create(v, shape, 'c');
  }
}
