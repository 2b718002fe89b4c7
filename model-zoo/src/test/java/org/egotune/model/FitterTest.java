package org.egotune.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.egotune.model.sam2.DecoderStep;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * {@link Fitter} trains exactly as SameDiff's own {@code fit}. (That the loss falls when training
 * through it is {@code Sam2TrainingTest}'s check: {@link DecoderStep} runs on a Fitter.)
 */
class FitterTest {
  /** The small SAM2 decoder with BCE and AdamW, as the decoder benchmark trains it. */
  private static SameDiff decoder(long seed) {
    return DecoderStep.trainingGraph(Sam2DecoderConfig.small(), seed, 1e-2, 0.01).sameDiff();
  }

  /** A different random batch per step, so the reused arrays must really be rewritten. */
  private static MultiDataSet batch(int step) {
    return DecoderStep.randomBatch(Sam2DecoderConfig.small(), 3, 100 + step);
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
    assertEquals(DecoderStep.loss(plain, batch(9)), DecoderStep.loss(reused, batch(9)), 0.0);
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
}
