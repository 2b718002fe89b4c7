package org.egotune.model.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.egotune.model.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DepthHeadTest {

  static INDArray tokens(DepthHeadConfig cfg, int batch, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(DataType.FLOAT, batch, cfg.frames(), cfg.tokensPerFrame(), cfg.inDim());
  }

  @Test
  void releasedConfigurationHasTheReleasedParameterCountAndShapes() {
    DepthHead full = DepthHead.build(DepthHeadConfig.released(), 1L);
    // shared/NVOS_AND_DEPTH.md B.2: input_proj 196,864 + FPN 771,520 + 656,384 + mask_features 65,792
    // + decoder 8,096,001; make_parity.py counts the same on its PyTorch module.
    assertEquals(9_786_561L, full.params().size());
    assertEquals(196_864L + 771_520L + 656_384L + 65_792L + 8_096_001L, full.params().size());
    Map<String, INDArray> out = full.predict(tokens(DepthHeadConfig.released(), 1, 3L));
    assertArrayEquals(new long[] {1, 4, 56, 56}, out.get(DepthHead.DEPTH).shape());
    assertArrayEquals(new long[] {1, 8}, out.get(DepthHead.BIN_CENTERS).shape());
  }

  @Test
  void smallConfigurationCountIsTheReferences() {
    // make_parity.py's PyTorch module at SMALL counts 55,161 (docs/models.md).
    assertEquals(55_161L, DepthHead.build(DepthHeadConfig.small(), 1L).params().size());
  }

  @Test
  void stateDictHasThePyTorchKeysInTheirOrder() throws Exception {
    // The fixture's tensors were written in PyTorch's state_dict() order, before its inputs and outputs.
    Path file = Path.of(getClass().getResource("/depth/parity_small.safetensors").toURI());
    List<String> torchKeys = new ArrayList<>();
    for (String k : Safetensors.read(file).tensors().keySet()) {
      if (!k.contains("put.") && !k.startsWith("grad.")) {
        torchKeys.add(k);
      }
    }
    DepthHead h = DepthHead.build(DepthHeadConfig.small(), 1L);
    assertEquals(torchKeys, new ArrayList<>(h.stateDict().keySet()));
    assertEquals(new java.util.TreeSet<>(torchKeys),
        new java.util.TreeSet<>(h.params().entries().stream().map(e -> e.name()).toList()));
  }

  @Test
  void binsAreNormalisedIncreasingAndBoundTheDepth() {
    DepthHeadConfig cfg = DepthHeadConfig.small();
    Map<String, INDArray> out = DepthHead.build(cfg, 5L).predict(tokens(cfg, 3, 9L));
    INDArray centres = out.get(DepthHead.BIN_CENTERS);
    INDArray depth = out.get(DepthHead.DEPTH);
    for (int b = 0; b < 3; b++) {
      double prev = 0;
      for (int q = 0; q < cfg.queries(); q++) {
        double c = centres.getDouble(b, q);
        assertTrue(c > prev && c < 1, "centre " + q + " of clip " + b + ": " + c);
        // Widths are at least binFloor / (sum of floored widths): the gap between centres never closes.
        prev = c;
      }
      // The last edge is 1: the last centre is 1 minus half the last width, the first half the first.
      INDArray clip = depth.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b));
      assertTrue(clip.minNumber().doubleValue() >= centres.getDouble(b, 0) - 1e-6);
      assertTrue(clip.maxNumber().doubleValue() <= centres.getDouble(b, cfg.queries() - 1) + 1e-6);
    }
  }

  @Test
  void attachedToAnotherNetworksGraphItIsTheSameDecoder() {
    DepthHeadConfig cfg = DepthHeadConfig.small();
    // A graph that already holds a SAM2 decoder (its own ones_row constants) and computes the tokens.
    org.nd4j.autodiff.samediff.SameDiff sd =
        org.egotune.model.sam2.Sam2Decoder.build(org.egotune.model.sam2.Sam2DecoderConfig.small(), 1L).sameDiff();
    org.nd4j.autodiff.samediff.SDVariable raw = sd.placeHolder("raw_tokens", DataType.FLOAT,
        -1, cfg.frames(), cfg.tokensPerFrame(), cfg.inDim());
    DepthHead.attach(sd, cfg, 6L, raw.mul(2.0));
    INDArray in = tokens(cfg, 2, 8L);
    INDArray attached = sd.output(Map.of("raw_tokens", in), DepthHead.DEPTH).get(DepthHead.DEPTH);
    INDArray alone = DepthHead.build(cfg, 6L).predict(in.mul(2.0)).get(DepthHead.DEPTH);
    assertTrue(alone.equalsWithEps(attached, 1e-6), "attached and standalone decoders differ");
  }

  @Test
  void framesAreAParameterNotFour() {
    DepthHeadConfig three = new DepthHeadConfig(16, 16, 4, 3, 4, 1, 2, 32, 0.1, true, true);
    Map<String, INDArray> out = DepthHead.build(three, 2L).predict(tokens(three, 2, 1L));
    assertArrayEquals(new long[] {2, 3, 16, 16}, out.get(DepthHead.DEPTH).shape());
    assertArrayEquals(new long[] {2, 4}, out.get(DepthHead.BIN_CENTERS).shape());
  }

  @Test
  void safetensorsRoundTripByReleaseNamesStrictly(@TempDir Path tmp) throws Exception {
    DepthHeadConfig cfg = DepthHeadConfig.small();
    DepthHead a = DepthHead.build(cfg, 1L);
    Path f = tmp.resolve("depth.safetensors");
    a.saveSafetensors(f);
    DepthHead b = DepthHead.build(cfg, 2L);
    INDArray in = tokens(cfg, 2, 4L);
    assertFalse(a.predict(in).get(DepthHead.DEPTH).equalsWithEps(b.predict(in).get(DepthHead.DEPTH), 1e-6));
    b.loadSafetensors(f, true);
    assertArrayEquals(a.params().flatten(a.sameDiff()), b.params().flatten(b.sameDiff()));
    assertEquals(a.predict(in).get(DepthHead.DEPTH), b.predict(in).get(DepthHead.DEPTH));

    // A whole EgoDTM checkpoint: the dual encoder and the VTC/VTM heads are skipped even when strict.
    Map<String, INDArray> whole = new HashMap<>(Safetensors.read(f).tensors());
    whole.put("backbone.visual.conv1.weight", Nd4j.zeros(DataType.FLOAT, 2, 2));
    whole.put("image_projection", Nd4j.zeros(DataType.FLOAT, 2, 2));
    whole.put("vtm_head.bias", Nd4j.zeros(DataType.FLOAT, 2));
    b.loadStateDict(whole, true);

    Map<String, INDArray> broken = new HashMap<>(Safetensors.read(f).tensors());
    broken.remove("decoder.query_embed.weight");
    broken.put("fpn.simfp_2.5.weight", Nd4j.zeros(DataType.FLOAT, 3, 3));
    broken.put("decoder.transformer_self_attention_layers.0.self_attn.Wqkv.weights", Nd4j.zeros(DataType.FLOAT, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(broken, true));
    for (String k : List.of("decoder.query_embed.weight", "fpn.simfp_2.5.weight", "Wqkv.weights")) {
      assertTrue(e.getMessage().contains(k), e.getMessage());
    }
    broken.remove("decoder.transformer_self_attention_layers.0.self_attn.Wqkv.weights");
    e = assertThrows(IllegalArgumentException.class, () -> b.loadSafetensors(writeAll(tmp, broken), false));
    assertTrue(e.getMessage().startsWith(tmp.resolve("broken.safetensors").toString()), e.getMessage());
  }

  private static Path writeAll(Path dir, Map<String, INDArray> tensors) throws Exception {
    Path f = dir.resolve("broken.safetensors");
    Safetensors.write(f, tensors, Map.of());
    return f;
  }

  @Test
  void badConfigurationsNameTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DepthHeadConfig(64, 30, 8, 4, 8, 2, 4, 64, 0.1, true, false));
    assertTrue(e.getMessage().startsWith("width"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DepthHeadConfig(64, 32, 8, 4, 8, 2, 5, 64, 0.1, true, false));
    assertTrue(e.getMessage().startsWith("heads"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DepthHeadConfig(64, 32, 8, 4, 1, 2, 4, 64, 0.1, true, false));
    assertTrue(e.getMessage().startsWith("queries"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new DepthHeadConfig(64, 32, 8, 4, 8, 2, 4, 64, 0.0, true, false));
    assertTrue(e.getMessage().startsWith("binFloor"), e.getMessage());
  }
}
