package org.egotune.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.egotune.model.depth.DepthHead;
import org.egotune.model.depth.DepthHeadConfig;
import org.egotune.model.io.Safetensors;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PresetsTest {
  static final ModelConfig TINY = ModelConfig.builder().set(ModelConfig.IMAGE_SIZE, 16)
      .set(ModelConfig.VOCAB, 32).set(ModelConfig.CHANNELS, 8).set(ModelConfig.INIT_SEED, 3L).build();
  static final ModelConfig SMALL = ModelConfig.preset(ModelConfig.SAM2_SMALL, 3L);

  /** Random inputs of every input of {@code mc} for {@code n} frames. */
  static Map<String, INDArray> inputs(ModelConfig mc, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, INDArray> in = new LinkedHashMap<>();
    SegModel.inputShapes(mc).forEach((name, shape) -> {
      long[] s = shape.clone();
      s[0] = n;
      int len = (int) (n * java.util.Arrays.stream(shape).skip(1).reduce(1, (a, b) -> a * b));
      float[] v = new float[len];
      for (int i = 0; i < len; i++) {
        v[i] = (float) (rng.nextDouble() * 2 - 1);
      }
      in.put(name, Nd4j.create(v, s, 'c'));
    });
    return in;
  }

  @Test
  void presetsHaveTheirDocumentedInputsAndOutputs() {
    assertEquals(List.of(SegModel.FRAMES, SegModel.TOKENS), SegModel.build(TINY).inputNames());
    assertArrayEquals(new long[] {-1, 3, 16, 16}, SegModel.inputShapes(TINY).get(SegModel.FRAMES));
    assertEquals(16, TINY.maskSize());

    SegModel small = SegModel.build(SMALL);
    assertEquals(List.of(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1,
        Sam2Decoder.SEG_HIDDEN), small.inputNames());
    assertArrayEquals(new long[] {-1, 32, 16, 16}, small.inputs().get(Sam2Decoder.IMAGE_EMBEDDINGS));
    assertArrayEquals(new long[] {-1, 4, 64, 64}, small.inputs().get(Sam2Decoder.HIGH_RES_S0));
    assertArrayEquals(new long[] {-1, 8, 32, 32}, small.inputs().get(Sam2Decoder.HIGH_RES_S1));
    assertArrayEquals(new long[] {-1, 64}, small.inputs().get(Sam2Decoder.SEG_HIDDEN));
    Map<String, INDArray> in = inputs(SMALL, 2, 1L);
    INDArray[] out = small.predict(in);
    assertArrayEquals(new long[] {2, 1, 64, 64}, out[0].shape());
    assertArrayEquals(new long[] {2, 1}, out[1].shape());
    // The presence logit is SAM2's object-score head.
    INDArray obj = small.sameDiff().output(in, Sam2Decoder.OBJECT_SCORE_LOGITS).get(Sam2Decoder.OBJECT_SCORE_LOGITS);
    assertEquals(obj, out[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> small.predict(Map.of(SegModel.FRAMES, Nd4j.zeros(DataType.FLOAT, 1, 3, 64, 64))));
    assertTrue(e.getMessage().contains(Sam2Decoder.SEG_HIDDEN), e.getMessage());
  }

  @Test
  void fullPresetIsSa2vasDecoderWithItsParameterCount() {
    SegModel full = SegModel.build(ModelConfig.preset(ModelConfig.SAM2_FULL, 1L));
    assertEquals(Sam2DecoderConfig.full(), full.config().decoderConfig());
    // DATA_FORMATS.md: decoder 4,215,109 (of which conv_s0/s1, 24,672, are carried, not trained) +
    // text_hidden_fcs 4,720,896 + not_a_point and no_mask embeddings 512.
    assertEquals(4_215_109L - 24_672L + 4_720_896L + 512L, full.params().size());
    assertEquals(Sam2Decoder.build(Sam2DecoderConfig.full(), 1L).stateDict().keySet(), full.stateDict().keySet());
    assertEquals(256, full.config().maskSize());
  }

  @Test
  void depthPresetsAreEgoDtmsDecoderBehindTheSameType(@TempDir Path tmp) throws Exception {
    ModelConfig mc = ModelConfig.preset(ModelConfig.DEPTH_SMALL, 3L);
    assertTrue(mc.usesFeatures() && mc.predictsDepth());
    assertEquals(DepthHeadConfig.small(), mc.depthConfig());
    assertEquals(32, mc.maskSize());
    assertThrows(IllegalStateException.class, mc::decoderConfig);
    assertThrows(IllegalStateException.class, SMALL::depthConfig);
    SegModel m = SegModel.build(mc);
    assertEquals(List.of(DepthHead.PATCH_TOKENS), m.inputNames());
    assertArrayEquals(new long[] {-1, 4, 64, 64}, m.inputs().get(DepthHead.PATCH_TOKENS));
    assertEquals(List.of(SegModel.DEPTH, DepthHead.BIN_CENTERS), List.copyOf(m.outputs().keySet()));
    INDArray[] out = m.predict(inputs(mc, 2, 1L));
    assertArrayEquals(new long[] {2, 4, 32, 32}, out[0].shape());
    assertArrayEquals(new long[] {2, 8}, out[1].shape());
    // The same weights as the decoder built directly, exported under the release's names.
    DepthHead direct = DepthHead.build(DepthHeadConfig.small(), 3L);
    assertEquals(direct.stateDict(), m.stateDict());
    Path f = tmp.resolve("depth.safetensors");
    m.saveSafetensors(f, Map.of());
    SegModel other = SegModel.build(mc.toBuilder().set(ModelConfig.INIT_SEED, 9L).build());
    other.loadStateDict(Safetensors.read(f).tensors(), true);
    assertArrayEquals(m.params().flatten(m.sameDiff()), other.params().flatten(other.sameDiff()));
    SegModel copy = SegModel.withParams(mc, m.params().flatten(m.sameDiff()));
    assertEquals(m.stateDict(), copy.stateDict());

    ModelConfig full = ModelConfig.preset(ModelConfig.DEPTH_FULL, 1L);
    assertArrayEquals(new long[] {-1, 4, 196, 768}, SegModel.inputShapes(full).get(DepthHead.PATCH_TOKENS));
    assertArrayEquals(new long[] {-1, 4, 56, 56}, SegModel.outputShapes(full).get(SegModel.DEPTH));
  }

  @Test
  void tinyWeightsAreNamedBySa2vaOrUnderItsOwnPrefix() {
    SegModel m = SegModel.build(TINY);
    Map<String, INDArray> state = m.stateDict();
    assertTrue(state.containsKey(Sam2Decoder.positionalEncodingKey()));
    assertTrue(state.containsKey("text_hidden_fcs.0.weight"));
    assertTrue(state.containsKey("grounding_encoder.sam2_model.sam_mask_decoder.obj_score_token.weight"));
    assertTrue(state.containsKey("egotune.tiny.backbone.conv0.weight"));
    for (String k : state.keySet()) {
      assertTrue(k.startsWith("grounding_encoder.sam2_model.") || k.startsWith("text_hidden_fcs.")
          || k.startsWith("egotune.tiny."), k);
    }
    // The decoder's own tensors have exactly the SAM2 decoder's keys at the tiny size.
    var decoderKeys = new java.util.TreeSet<>(Sam2Decoder.build(TINY.decoderConfig(), 1L).stateDict().keySet());
    decoderKeys.removeIf(k -> k.contains(".conv_s0.") || k.contains(".conv_s1."));
    var tinyDecoderKeys = new java.util.TreeSet<>(state.keySet());
    tinyDecoderKeys.removeIf(k -> k.startsWith("egotune.tiny."));
    assertEquals(decoderKeys, tinyDecoderKeys);
  }

  @Test
  void safetensorsRoundTripAndMismatchesAreListed(@TempDir Path tmp) throws Exception {
    for (ModelConfig mc : List.of(TINY, SMALL)) {
      SegModel a = SegModel.build(mc);
      Path f = tmp.resolve(mc.preset() + ".safetensors");
      a.saveSafetensors(f, Map.of());
      SegModel b = SegModel.build(mc.toBuilder().set(ModelConfig.INIT_SEED, 99L).build());
      assertFalse(java.util.Arrays.equals(a.params().flatten(a.sameDiff()), b.params().flatten(b.sameDiff())));
      b.loadStateDict(Safetensors.read(f).tensors(), true);
      assertArrayEquals(a.params().flatten(a.sameDiff()), b.params().flatten(b.sameDiff()), mc.preset());
      if (mc == TINY) {
        Map<String, INDArray> in = inputs(mc, 2, 4L);
        assertEquals(a.predict(in)[0], b.predict(in)[0]);
      }

      Map<String, INDArray> broken = new HashMap<>(Safetensors.read(f).tensors());
      broken.remove("text_hidden_fcs.2.bias");
      broken.put("text_hidden_fcs.0.weight", Nd4j.zeros(DataType.FLOAT, 3, 3));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(broken, true));
      assertTrue(e.getMessage().contains("text_hidden_fcs.2.bias") && e.getMessage().contains("text_hidden_fcs.0.weight"),
          e.getMessage());
    }
  }

  @Test
  void checkpointFormatsRoundTripForTinyAndSmall() {
    for (ModelConfig mc : List.of(TINY, SMALL)) {
      SegModel a = SegModel.build(mc);
      float[] p = a.params().flatten(a.sameDiff());
      SegModel b = SegModel.withParams(mc, p);
      assertArrayEquals(p, b.params().flatten(b.sameDiff()));
      SameDiff loaded = SameDiff.load(new ByteArrayInputStream(a.toModelFile()), false);
      assertArrayEquals(p, a.params().flatten(loaded), mc.preset());
    }
  }
}
