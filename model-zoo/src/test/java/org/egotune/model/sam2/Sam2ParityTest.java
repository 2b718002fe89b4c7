package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.model.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java decoder against an independent PyTorch implementation (fixture written by
 * {@code src/test/resources/sam2/make_parity.py}; see its docstring to regenerate): same weights by
 * Sa2VA key, same inputs, outputs and gradients within named tolerances.
 */
class Sam2ParityTest {
  private static final Logger LOG = LoggerFactory.getLogger(Sam2ParityTest.class);
  static final double RTOL = 1e-4;
  static final double ATOL = 1e-4;
  static final double GRAD_TOL = 1e-4;

  private static Map<String, INDArray> fixture;
  private static Sam2Decoder decoder;

  @BeforeAll
  static void load() throws Exception {
    Path file = Path.of(Sam2ParityTest.class.getResource("/sam2/parity_small.safetensors").toURI());
    fixture = Safetensors.read(file).tensors();
    Map<String, INDArray> weights = new LinkedHashMap<>();
    fixture.forEach((k, v) -> {
      if (!k.startsWith("input.") && !k.startsWith("output.") && !k.startsWith("grad.")) {
        weights.put(k, v);
      }
    });
    // A different seed than any fixture: every value must come from the file.
    decoder = Sam2Decoder.build(Sam2DecoderConfig.small(), 99L);
    decoder.loadStateDict(weights, true);
  }

  private static INDArray in(String name) {
    return fixture.get("input." + name);
  }

  @Test
  void forwardMatchesPyTorch() {
    Map<String, INDArray> out = decoder.predict(
        in(Sam2Decoder.IMAGE_EMBEDDINGS), in(Sam2Decoder.HIGH_RES_S0), in(Sam2Decoder.HIGH_RES_S1),
        in(Sam2Decoder.SEG_HIDDEN));
    for (String name : List.of(Sam2Decoder.LOW_RES_MASKS, Sam2Decoder.IOU_PREDICTIONS,
        Sam2Decoder.OBJECT_SCORE_LOGITS, Sam2Decoder.MASK_LOGITS)) {
      Close.Error e = Close.assertClose(name, fixture.get("output." + name), out.get(name), RTOL, ATOL);
      LOG.info("parity {}: max abs {} max abs/scale {}", name, e.maxAbs(), e.maxScaled());
    }
  }

  @Test
  void gradientsMatchPyTorch() {
    SameDiff sd = decoder.sameDiff().dup();
    SDVariable target = sd.placeHolder("target", DataType.FLOAT, -1, 1, 64, 64);
    SDVariable presence = sd.placeHolder("presence", DataType.FLOAT, -1, 1);
    SDVariable loss = DecoderStep.bce(sd, sd.getVariable(Sam2Decoder.MASK_LOGITS), target)
        .add(DecoderStep.bce(sd, sd.getVariable(Sam2Decoder.OBJECT_SCORE_LOGITS), presence));
    loss.rename("loss");
    sd.setLossVariables("loss");
    Map<String, INDArray> ph = new HashMap<>();
    for (String p : List.of(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1,
        Sam2Decoder.SEG_HIDDEN, "target", "presence")) {
      ph.put(p, in(p));
    }
    double value = sd.output(ph, "loss").get("loss").getDouble(0);
    assertEquals(fixture.get("output.loss").getDouble(0), value, 1e-5, "loss");
    List<String> keys = new ArrayList<>();
    fixture.keySet().stream().filter(k -> k.startsWith("grad.")).forEach(k -> keys.add(k.substring(5)));
    Map<String, INDArray> grads = quietly(() -> sd.calculateGradients(ph, keys));
    for (String k : keys) {
      INDArray expected = fixture.get("grad." + k);
      // Gradients of a mean over 8192 pixels are small: the absolute tolerance follows their scale.
      double atol = GRAD_TOL * expected.amaxNumber().doubleValue();
      Close.Error e = Close.assertClose("grad " + k, expected, grads.get(k), GRAD_TOL, atol);
      LOG.info("parity grad {}: max abs {} max abs/scale {}", k, e.maxAbs(), e.maxScaled());
    }
  }

  /** SameDiff prints a line per op to stdout when it builds the gradient graph. */
  static <T> T quietly(java.util.function.Supplier<T> body) {
    PrintStream out = System.out;
    System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return body.get();
    } finally {
      System.setOut(out);
    }
  }
}
