package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small decoder trains through {@code sd.fit}: a sigmoid-BCE loss on the selected mask falls. */
class Sam2TrainingTest {
  private static final Logger LOG = LoggerFactory.getLogger(Sam2TrainingTest.class);

  @Test
  void bceOnTheSelectedMaskFallsOverTwentyAdamSteps() {
    Sam2DecoderConfig cfg = Sam2DecoderConfig.small();
    Sam2Decoder d = Sam2Decoder.build(cfg, 3L);
    MaskBceSetup.attach(d, 1e-2);
    SameDiff sd = d.sameDiff();
    INDArray[] in = Sam2DecoderTest.inputs(cfg, 2, 21L);
    INDArray y = MaskBceSetup.target(in);
    MultiDataSet mds = new MultiDataSet(in, new INDArray[] {y});
    Map<String, INDArray> ph = MaskBceSetup.placeholders(in, y);
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
