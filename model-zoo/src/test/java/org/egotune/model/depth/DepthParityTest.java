package org.egotune.model.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.model.GradientGraph;
import org.egotune.model.io.Safetensors;
import org.egotune.model.sam2.Close;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java depth decoder against our PyTorch implementation written from the spec (fixture written by
 * {@code src/test/resources/depth/make_parity.py}; see its docstring to regenerate): same weights by
 * release key, same tokens; every prediction, the bin centres, both quirk flags flipped, the loss with
 * and without deep supervision, and gradients of parameters in every block, to 1e-4.
 */
class DepthParityTest {
  private static final Logger LOG = LoggerFactory.getLogger(DepthParityTest.class);
  static final double TOL = 1e-4;

  private static Map<String, INDArray> fixture;
  private static Map<String, INDArray> weights;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of(DepthParityTest.class.getResource("/depth/parity_small.safetensors").toURI());
    fixture = Safetensors.read(file).tensors();
    weights = new LinkedHashMap<>();
    fixture.forEach((k, v) -> {
      if (!k.startsWith("input.") && !k.startsWith("output.") && !k.startsWith("grad.")) {
        weights.put(k, v);
      }
    });
  }

  /** A decoder with another seed than the fixture's, loaded strictly: every value comes from the file. */
  private static DepthHead loaded(DepthHeadConfig cfg) {
    DepthHead h = DepthHead.build(cfg, 99L);
    h.loadStateDict(weights, true);
    return h;
  }

  private static void close(String what, INDArray actual) {
    INDArray expected = fixture.get("output." + what);
    Close.Error e = Close.assertClose(what, expected, actual, TOL, TOL);
    LOG.info("parity {}: max abs {} max abs/scale {}", what, e.maxAbs(), e.maxScaled());
  }

  @Test
  void everyPredictionAndTheBinCentresMatchPyTorch() {
    DepthHeadConfig cfg = DepthHeadConfig.small();
    DepthHead head = loaded(cfg);
    List<String> names = new ArrayList<>(DepthHead.predictionNames(cfg));
    names.add(DepthHead.BIN_CENTERS);
    Map<String, INDArray> out = head.sameDiff().output(
        Map.of(DepthHead.PATCH_TOKENS, fixture.get("input.patch_tokens")), names.toArray(new String[0]));
    for (String name : names) {
      close(name, out.get(name));
    }
  }

  @Test
  void theQuirkFlagsMatchPyTorchWhenFlipped() {
    INDArray tokens = fixture.get("input.patch_tokens");
    // Each flag must change the prediction by far more than the tolerance, or this test proves nothing.
    INDArray released = fixture.get("output.depth");
    for (String flipped : List.of("depth_plain_value", "depth_memory_pos")) {
      double change = fixture.get("output." + flipped).sub(released).amaxNumber().doubleValue();
      assertTrue(change > 10 * TOL, flipped + " changes the depth by only " + change);
    }
    close("depth_plain_value", loaded(DepthHeadConfig.small().withQuirks(false, false)).predict(tokens).get(DepthHead.DEPTH));
    close("depth_memory_pos", loaded(DepthHeadConfig.small().withQuirks(true, true)).predict(tokens).get(DepthHead.DEPTH));
  }

  @Test
  void lossAndGradientsMatchPyTorch() {
    DepthHeadConfig cfg = DepthHeadConfig.small();
    SameDiff sd = loaded(cfg).sameDiff();
    DepthLoss.attach(sd, cfg, false);
    SameDiff deep = loaded(cfg).sameDiff();
    DepthLoss.attach(deep, cfg, true);
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(DepthHead.PATCH_TOKENS, fixture.get("input.patch_tokens"));
    ph.put(DepthLoss.DEPTH_TARGET, fixture.get("input.depth_target"));
    assertEquals(fixture.get("output.loss").getDouble(0),
        sd.output(ph, DepthLoss.LOSS).get(DepthLoss.LOSS).getDouble(0), 1e-6, "loss");
    assertEquals(fixture.get("output.loss_deep").getDouble(0),
        deep.output(ph, DepthLoss.LOSS).get(DepthLoss.LOSS).getDouble(0), 1e-6, "deep-supervision loss");

    sd.setLossVariables(DepthLoss.LOSS);
    GradientGraph.createQuietly(sd);
    List<String> keys = new ArrayList<>();
    fixture.keySet().stream().filter(k -> k.startsWith("grad.")).forEach(k -> keys.add(k.substring(5)));
    Map<String, INDArray> grads = sd.calculateGradients(ph, keys);
    for (String k : keys) {
      INDArray expected = fixture.get("grad." + k);
      // Gradients of a mean over 8192 pixels are small: the absolute tolerance follows their scale.
      double atol = TOL * expected.amaxNumber().doubleValue();
      Close.Error e = Close.assertClose("grad " + k, expected, grads.get(k), TOL, atol);
      LOG.info("parity grad {}: max abs {} max abs/scale {}", k, e.maxAbs(), e.maxScaled());
    }
  }
}
