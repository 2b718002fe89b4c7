package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.model.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Sam2DecoderTest {
  private static final Sam2DecoderConfig SMALL = Sam2DecoderConfig.small();

  @Test
  void configValidationNamesTheField() {
    assertMessage("width", () -> new Sam2DecoderConfig(30, 2, 2, 64, 2, 16, 4, 64, 64, 32));
    assertMessage("heads", () -> new Sam2DecoderConfig(32, 2, 3, 64, 2, 16, 4, 64, 64, 32));
    assertMessage("depth", () -> new Sam2DecoderConfig(32, 0, 8, 64, 2, 16, 4, 64, 64, 32));
    assertMessage("attnDownsample", () -> new Sam2DecoderConfig(32, 2, 8, 64, 3, 16, 4, 64, 64, 32));
    assertMessage("numMaskTokens", () -> new Sam2DecoderConfig(32, 2, 8, 64, 2, 16, 1, 64, 64, 32));
    assertMessage("promptInDim", () -> new Sam2DecoderConfig(32, 2, 8, 64, 2, 16, 4, -1, 64, 32));
  }

  private static void assertMessage(String field, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
  }

  /** The full preset holds exactly Sa2VA's decoder, prompt-encoder and text_hidden_fcs keys, same shapes. */
  @Test
  void fullPresetHasEverySa2vaKeyWithItsShape() throws Exception {
    Map<String, long[]> expected = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/sam2/sa2va_decoder_keys.tsv"), StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split("\t");
        if (f[3].equals("mask_decoder") || f[3].equals("text_hidden_fcs") || f[3].equals("prompt_encoder(used)")) {
          expected.put(f[0], Arrays.stream(f[1].split("x")).mapToLong(Long::parseLong).toArray());
        }
      }
    }
    assertEquals(138, expected.size());
    Sam2Decoder d = Sam2Decoder.build(Sam2DecoderConfig.full(), 1L);
    Map<String, INDArray> state = d.stateDict();
    assertEquals(expected.keySet(), state.keySet());
    for (var e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), state.get(e.getKey()).shape(), e.getKey());
    }
    // Decoder 4,215,109 and text_hidden_fcs 4,720,896 (DATA_FORMATS.md); conv_s0/s1 (24,672) and the
    // PE buffer are carried, not trained; not_a_point and no_mask (512) are trained.
    assertEquals(4_215_109L - 24_672L + 4_720_896L + 512L, d.params().size());
  }

  @Test
  void smallForwardHasDocumentedShapesAndSeedDeterminism() {
    Sam2Decoder a = Sam2Decoder.build(SMALL, 5L);
    Sam2Decoder b = Sam2Decoder.build(SMALL, 5L);
    Sam2Decoder c = Sam2Decoder.build(SMALL, 6L);
    assertArrayEquals(a.params().flatten(a.sameDiff()), b.params().flatten(b.sameDiff()));
    assertFalse(Arrays.equals(a.params().flatten(a.sameDiff()), c.params().flatten(c.sameDiff())));
    INDArray[] in = inputs(SMALL, 3, 11L);
    Map<String, INDArray> out = a.predict(in[0], in[1], in[2], in[3]);
    assertArrayEquals(new long[] {3, 4, 64, 64}, out.get(Sam2Decoder.LOW_RES_MASKS).shape());
    assertArrayEquals(new long[] {3, 4}, out.get(Sam2Decoder.IOU_PREDICTIONS).shape());
    assertArrayEquals(new long[] {3, 1}, out.get(Sam2Decoder.OBJECT_SCORE_LOGITS).shape());
    assertArrayEquals(new long[] {3, 1, 64, 64}, out.get(Sam2Decoder.MASK_LOGITS).shape());
    // The selected mask is the multimask token (1..3) with the highest predicted IoU.
    INDArray iou = out.get(Sam2Decoder.IOU_PREDICTIONS);
    for (int i = 0; i < 3; i++) {
      int best = 1 + iou.getRow(i).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4)).argMax().getInt(0);
      assertEquals(out.get(Sam2Decoder.LOW_RES_MASKS).slice(i).slice(best),
          out.get(Sam2Decoder.MASK_LOGITS).slice(i).slice(0), "row " + i);
    }
  }

  @Test
  void loadReportsMissingUnknownAndMisshapenKeysByName() {
    Sam2Decoder d = Sam2Decoder.build(SMALL, 1L);
    Map<String, INDArray> state = new HashMap<>(d.stateDict());
    String gone = "text_hidden_fcs.0.bias";
    String misshapen = Sam2Keys.DECODER + "iou_token.weight";
    state.remove(gone);
    state.put(misshapen, Nd4j.zeros(DataType.FLOAT, 2, 32));
    // A SAM2 memory key is skipped even under strict; a key no Sa2VA module has is not.
    state.put("grounding_encoder.sam2_model.no_obj_ptr", Nd4j.zeros(DataType.FLOAT, 1, 32));
    String foreign = Sam2Keys.DECODER + "extra_token.weight";
    state.put(foreign, Nd4j.zeros(DataType.FLOAT, 1, 32));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.loadStateDict(state, true));
    assertTrue(e.getMessage().contains("missing: [" + gone + " (expected [64])]"), e.getMessage());
    assertTrue(e.getMessage().contains(misshapen + " [2, 32] (expected [1, 32])"), e.getMessage());
    assertTrue(e.getMessage().contains("the decoder path skips): [" + foreign + "]"), e.getMessage());
    assertFalse(e.getMessage().contains("no_obj_ptr"), e.getMessage());
  }

  @Test
  void safetensorsExportAndLoadRoundTrip(@TempDir Path dir) throws Exception {
    Sam2Decoder a = Sam2Decoder.build(SMALL, 1L);
    Path file = dir.resolve("small.safetensors");
    a.saveSafetensors(file);
    Safetensors.Contents c = Safetensors.read(file);
    assertEquals(a.stateDict().keySet(), c.tensors().keySet());
    assertTrue(c.metadata().get("egotune.sam2.config").contains("width=32"), c.metadata().toString());

    Sam2Decoder b = Sam2Decoder.build(SMALL, 2L);
    b.loadSafetensors(file, true);
    for (var e : a.stateDict().entrySet()) {
      assertEquals(e.getValue(), b.stateDict().get(e.getKey()), e.getKey());
    }
    INDArray[] in = inputs(SMALL, 2, 3L);
    assertEquals(a.predict(in[0], in[1], in[2], in[3]).get(Sam2Decoder.LOW_RES_MASKS),
        b.predict(in[0], in[1], in[2], in[3]).get(Sam2Decoder.LOW_RES_MASKS));

    // Another size's file cannot go into this network: missing keys and shape differences are named.
    Path tiny = dir.resolve("other.safetensors");
    Sam2Decoder.build(new Sam2DecoderConfig(16, 1, 2, 32, 2, 8, 4, 16, 16, 16), 1L).saveSafetensors(tiny);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadSafetensors(tiny, true));
    assertTrue(e.getMessage().contains("missing: [" + Sam2Keys.DECODER + "transformer.layers.1."), e.getMessage());
    assertTrue(e.getMessage().contains("text_hidden_fcs.0.weight [16, 16] (expected [64, 64])"), e.getMessage());
    assertTrue(Files.size(file) > 0);
  }

  /** Random decoder inputs: image embedding, s0, s1, [SEG] hidden state. */
  static INDArray[] inputs(Sam2DecoderConfig cfg, int batch, long seed) {
    Nd4j.getRandom().setSeed(seed);
    int c = cfg.width();
    int g = cfg.gridSize();
    return new INDArray[] {
      Nd4j.randn(DataType.FLOAT, batch, c, g, g),
      Nd4j.randn(DataType.FLOAT, batch, c / 8, 4 * g, 4 * g),
      Nd4j.randn(DataType.FLOAT, batch, c / 4, 2 * g, 2 * g),
      Nd4j.randn(DataType.FLOAT, batch, cfg.promptInDim())
    };
  }
}
