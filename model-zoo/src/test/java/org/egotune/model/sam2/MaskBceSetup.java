package org.egotune.model.sam2;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/** Test-side training setup shared by the training test and the benchmark: BCE on the selected mask, Adam. */
final class MaskBceSetup {
  static final String TARGET = "target";
  static final String LOSS = "loss";

  private MaskBceSetup() {}

  /** Adds a target placeholder and the loss to the decoder's graph and sets an Adam training config. */
  static void attach(Sam2Decoder d, double learningRate) {
    SameDiff sd = d.sameDiff();
    int side = d.config().maskSize();
    SDVariable target = sd.placeHolder(TARGET, DataType.FLOAT, -1, 1, side, side);
    Sam2ParityTest.bce(sd, sd.getVariable(Sam2Decoder.MASK_LOGITS), target).rename(LOSS);
    sd.setLossVariables(LOSS);
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(learningRate))
        .dataSetFeatureMapping(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0,
            Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN)
        .dataSetLabelMapping(TARGET)
        .build());
  }

  /**
   * A learnable target: where channel 0 of s0 is positive, a pixelwise function of an input the mask
   * head sees directly (after dc2 and GELU), so a few steps can fit it.
   */
  static INDArray target(INDArray[] inputs) {
    return inputs[1].get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).gt(0).castTo(DataType.FLOAT);
  }

  /** Placeholder values for {@code inputs} (image, s0, s1, seg) and the target. */
  static Map<String, INDArray> placeholders(INDArray[] inputs, INDArray target) {
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(Sam2Decoder.IMAGE_EMBEDDINGS, inputs[0]);
    ph.put(Sam2Decoder.HIGH_RES_S0, inputs[1]);
    ph.put(Sam2Decoder.HIGH_RES_S1, inputs[2]);
    ph.put(Sam2Decoder.SEG_HIDDEN, inputs[3]);
    ph.put(TARGET, target);
    return ph;
  }
}
