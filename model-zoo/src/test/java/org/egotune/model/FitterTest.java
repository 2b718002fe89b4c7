package org.egotune.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.egotune.model.bench.DecoderStep;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

class FitterTest {
  private static final String[] INPUTS = {Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0,
      Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN};

  /** The small SAM2 decoder with BCE and AdamW, as DecoderStep builds it. */
  private static SameDiff decoder(long seed) {
    Sam2DecoderConfig cfg = Sam2DecoderConfig.small();
    SameDiff sd = Sam2Decoder.build(cfg, seed).sameDiff();
    int side = cfg.maskSize();
    SDVariable target = sd.placeHolder("target", DataType.FLOAT, -1, 1, side, side);
    DecoderStep.bce(sd, sd.getVariable(Sam2Decoder.MASK_LOGITS), target).rename("loss");
    sd.setLossVariables("loss");
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(1e-2))
        .weightDecay(0.01, true)
        .dataSetFeatureMapping(INPUTS)
        .dataSetLabelMapping("target")
        .build());
    return sd;
  }

  /** A different random batch per step, so the reused arrays must really be rewritten. */
  private static MultiDataSet batch(int step) {
    Sam2DecoderConfig cfg = Sam2DecoderConfig.small();
    SplittableRandom rng = new SplittableRandom(100 + step);
    int b = 3;
    int c = cfg.width();
    int g = cfg.gridSize();
    INDArray[] in = {random(rng, b, c, g, g), random(rng, b, c / 8, 4 * g, 4 * g),
        random(rng, b, c / 4, 2 * g, 2 * g), random(rng, b, cfg.promptInDim())};
    // Learnable: where channel 0 of s0 (which the mask head sees directly) is positive.
    INDArray y = in[1].get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).gt(0).castTo(DataType.FLOAT);
    return new MultiDataSet(in, new INDArray[] {y});
  }

  private static INDArray random(SplittableRandom rng, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return Nd4j.create(v, shape, 'c');
  }

  @Test
  void parametersAndOptimizerStateEqualSameDiffsOwnFitBitForBit() {
    SameDiff plain = decoder(7);
    SameDiff reused = decoder(7);
    Fitter fitter = new Fitter(reused);
    for (int step = 0; step < 6; step++) {
      plain.fit(batch(step));
      fitter.fit(batch(step));
    }
    assertEquals(plain.getTrainingConfig().getIterationCount(),
        reused.getTrainingConfig().getIterationCount());
    int compared = 0;
    for (SDVariable v : plain.variables()) {
      if (v.getVariableType() != VariableType.VARIABLE) {
        continue;
      }
      INDArray a = v.getArr();
      INDArray b = reused.getVariable(v.name()).getArr();
      assertArrayEquals(a.dup('c').data().asFloat(), b.dup('c').data().asFloat(), 0f, v.name());
      INDArray sa = (INDArray) plain.getUpdaterMap().get(v.name()).getState().get("M");
      INDArray sb = (INDArray) reused.getUpdaterMap().get(v.name()).getState().get("M");
      assertArrayEquals(sa.dup('c').data().asFloat(), sb.dup('c').data().asFloat(), 0f, v.name());
      compared++;
    }
    assertTrue(compared > 10, "compared " + compared + " parameters");
  }

  @Test
  void lossFallsOverReusedSteps() {
    SameDiff sd = decoder(3);
    Fitter fitter = new Fitter(sd);
    MultiDataSet ds = batch(0);
    double before = loss(sd, ds);
    for (int i = 0; i < 15; i++) {
      fitter.fit(ds);
    }
    assertTrue(loss(sd, ds) < 0.9 * before, "loss " + before + " -> " + loss(sd, ds));
  }

  @Test
  void aBatchThatDoesNotMatchTheMappingIsRefused() {
    Fitter fitter = new Fitter(decoder(1));
    MultiDataSet ds = batch(0);
    MultiDataSet missing = new MultiDataSet(ds.getFeatures(), new INDArray[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fitter.fit(missing));
    assertTrue(e.getMessage().contains("maps 1 label arrays but the batch has 0"), e.getMessage());
  }

  @Test
  void aGraphWithoutTrainingConfigIsRefused() {
    SameDiff sd = Sam2Decoder.build(Sam2DecoderConfig.small(), 1).sameDiff();
    assertThrows(IllegalStateException.class, () -> new Fitter(sd));
  }

  private static double loss(SameDiff sd, MultiDataSet ds) {
    java.util.Map<String, INDArray> ph = new java.util.HashMap<>();
    for (int i = 0; i < INPUTS.length; i++) {
      ph.put(INPUTS[i], ds.getFeatures(i));
    }
    ph.put("target", ds.getLabels(0));
    return sd.output(ph, "loss").get("loss").getDouble(0);
  }
}
