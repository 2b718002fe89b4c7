package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small decoder trains through {@code sd.fit}: a sigmoid-BCE loss on the selected mask falls. */
class Sam2TrainingTest {
  private static final Logger LOG = LoggerFactory.getLogger(Sam2TrainingTest.class);

  @Test
  void bceOnTheSelectedMaskFallsOverTwentyAdamSteps() {
    Sam2DecoderConfig cfg = Sam2DecoderConfig.small();
    Sam2Decoder d = Sam2Decoder.build(cfg, 3L);
    SameDiff sd = d.sameDiff();
    SDVariable target = sd.placeHolder("target", DataType.FLOAT, -1, 1, cfg.maskSize(), cfg.maskSize());
    Sam2ParityTest.bce(sd, sd.getVariable(Sam2Decoder.MASK_LOGITS), target).rename("loss");
    sd.setLossVariables("loss");
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(1e-2))
        .dataSetFeatureMapping(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0,
            Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN)
        .dataSetLabelMapping("target")
        .build());

    INDArray[] in = Sam2DecoderTest.inputs(cfg, 2, 21L);
    // The target is where channel 0 of s0 is positive: a pixelwise function of an input the mask head
    // sees directly (after dc2 and GELU), so a few steps can learn it.
    INDArray y = in[1].get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).gt(0).castTo(DataType.FLOAT);
    MultiDataSet mds = new MultiDataSet(in, new INDArray[] {y});
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(Sam2Decoder.IMAGE_EMBEDDINGS, in[0]);
    ph.put(Sam2Decoder.HIGH_RES_S0, in[1]);
    ph.put(Sam2Decoder.HIGH_RES_S1, in[2]);
    ph.put(Sam2Decoder.SEG_HIDDEN, in[3]);
    ph.put("target", y);
    double before = sd.output(ph, "loss").get("loss").getDouble(0);
    long t0 = System.nanoTime();
    Sam2ParityTest.quietly(() -> {
      for (int step = 0; step < 20; step++) {
        sd.fit(mds);
      }
      return null;
    });
    double after = sd.output(ph, "loss").get("loss").getDouble(0);
    LOG.info("BCE on the selected mask: {} before, {} after 20 Adam steps ({} ms)", before, after,
        (System.nanoTime() - t0) / 1_000_000);
    assertTrue(after < 0.8 * before, "loss must fall: " + before + " -> " + after);
  }
}
