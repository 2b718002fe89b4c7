package org.egotune.model.depth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.egotune.model.Fitter;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small depth preset trains through {@link Fitter} exactly as the trainer drives a
 * {@link SegModel}: features = its inputs, labels = {@link DepthLoss#DEPTH_TARGET}. The target is a
 * function of the tokens (channel 0 of each token, squashed into (0.2, 0.8), on its 4 x 4 block of
 * pixels), so the MSE must fall well below the constant prediction's (the target's variance).
 */
class DepthTrainingTest {
  private static final Logger LOG = LoggerFactory.getLogger(DepthTrainingTest.class);

  @Test
  void mseFallsBelowTheConstantPredictionThroughTheFitter() {
    ModelConfig mc = ModelConfig.preset(ModelConfig.DEPTH_SMALL, 4L);
    DepthHeadConfig cfg = mc.depthConfig();
    SegModel model = SegModel.build(mc);
    SameDiff sd = model.sameDiff();
    DepthLoss.attach(sd, cfg, true);
    sd.setLossVariables(DepthLoss.LOSS);
    sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(3e-3))
        .dataSetFeatureMapping(model.inputNames().toArray(new String[0]))
        .dataSetLabelMapping(DepthLoss.DEPTH_TARGET).build());

    Nd4j.getRandom().setSeed(12L);
    int b = 2;
    int g = cfg.grid();
    INDArray tokens = Nd4j.randn(DataType.FLOAT, b, cfg.frames(), cfg.tokensPerFrame(), cfg.inDim());
    INDArray cue = Transforms.tanh(tokens.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup()).mul(0.3).add(0.5)
        .reshape(b, cfg.frames(), g, 1, g, 1);
    INDArray target = Nd4j.zeros(DataType.FLOAT, b, cfg.frames(), g, 4, g, 4).addi(cue)
        .reshape(b, cfg.frames(), cfg.outSize(), cfg.outSize());
    MultiDataSet batch = new MultiDataSet(new INDArray[] {tokens}, new INDArray[] {target});
    double constant = target.varNumber().doubleValue() * (target.length() - 1) / target.length();

    Fitter fitter = new Fitter(sd);
    for (int i = 0; i < 40; i++) {
      fitter.fit(batch);
    }
    INDArray depth = sd.output(Map.of(DepthHead.PATCH_TOKENS, tokens), DepthHead.DEPTH).get(DepthHead.DEPTH);
    double mse = depth.sub(target).norm2Number().doubleValue();
    mse = mse * mse / target.length();
    LOG.info("depth MSE after 40 Adam steps {} (constant prediction {})", mse, constant);
    assertTrue(mse < 0.5 * constant, "MSE " + mse + " vs constant prediction " + constant);
  }
}
