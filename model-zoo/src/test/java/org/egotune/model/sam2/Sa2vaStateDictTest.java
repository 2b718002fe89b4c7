package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A file shaped like a full Sa2VA state dict (decoder at sam2-decoder-small's shapes, plus SAM2's
 * image encoder and memory, no_mem_embed, the point/mask prompts, the MLLM, integer and boolean
 * buffers) loads strictly; a missing or misshapen decoder key and a foreign key still fail by name.
 */
class Sa2vaStateDictTest {
  private static final String SAM2 = Sam2Keys.SAM2;
  @TempDir Path dir;

  /** The keys a Sa2VA checkpoint holds beside the decoder, each with the group it is counted in. */
  private static Map<String, INDArray> beside() {
    Nd4j.getRandom().setSeed(3L);
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put(SAM2 + "no_mem_embed", Nd4j.randn(DataType.FLOAT, 1, 1, 32));
    t.put(SAM2 + "image_encoder.trunk.pos_embed", Nd4j.randn(DataType.FLOAT, 1, 8, 7, 7));
    t.put(SAM2 + "image_encoder.trunk.blocks.0.attn.qkv.weight", Nd4j.randn(DataType.FLOAT, 24, 8));
    t.put(SAM2 + "image_encoder.neck.convs.0.conv.weight", Nd4j.randn(DataType.FLOAT, 32, 8, 1, 1));
    t.put(SAM2 + "memory_encoder.fuser.layers.0.gamma", Nd4j.randn(DataType.FLOAT, 8));
    t.put(SAM2 + "memory_attention.layers.0.self_attn.q_proj.weight", Nd4j.randn(DataType.FLOAT, 8, 8));
    t.put(SAM2 + "maskmem_tpos_enc", Nd4j.randn(DataType.FLOAT, 7, 1, 1, 8));
    t.put(SAM2 + "no_obj_ptr", Nd4j.randn(DataType.FLOAT, 1, 32));
    t.put(SAM2 + "obj_ptr_proj.layers.0.weight", Nd4j.randn(DataType.FLOAT, 32, 32));
    t.put(Sam2Keys.PROMPT + "point_embeddings.0.weight", Nd4j.randn(DataType.FLOAT, 1, 32));
    t.put(Sam2Keys.PROMPT + "mask_downscaling.0.weight", Nd4j.randn(DataType.FLOAT, 4, 1, 2, 2));
    t.put("mllm.model.vision_model.embeddings.position_ids", Nd4j.createFromArray(new long[][] {{0, 1, 2, 3}}));
    t.put("mllm.model.mlp1.1.weight", Nd4j.randn(DataType.FLOAT, 16, 8));
    t.put("mllm.model.language_model.model.embed_tokens.weight", Nd4j.randn(DataType.FLOAT, 10, 16));
    t.put("mllm.model.language_model.attn_mask", Nd4j.createFromArray(true, false, true, true));
    return t;
  }

  /** Writes {@code source}'s tensors and {@link #beside()}, changed by {@code edit}, to {@code name}.safetensors. */
  private Path sa2vaFile(String name, SegModel source, Consumer<Map<String, INDArray>> edit) throws Exception {
    Map<String, INDArray> all = new LinkedHashMap<>(source.stateDict());
    all.putAll(beside());
    edit.accept(all);
    Path f = dir.resolve(name + ".safetensors");
    Safetensors.write(f, all, Map.of("format", "pt"));
    return f;
  }

  private static final Map<String, Integer> BESIDE_COUNTS = Map.of(
      "image encoder", 3, "memory", 6, "point/mask prompts", 2, "vision model", 2, "LLM", 2);

  @Test
  void aFullSa2vaStateDictLoadsStrictlyWithTheRestCountedByGroup() throws Exception {
    SegModel source = SegModel.build(ModelConfig.preset(ModelConfig.SAM2_SMALL, 2L));
    Path f = sa2vaFile("sa2va", source, all -> { });

    Safetensors.Contents c = Safetensors.read(f);
    assertEquals(DataType.INT64, c.tensors().get("mllm.model.vision_model.embeddings.position_ids").dataType());
    assertEquals(DataType.BOOL, c.tensors().get("mllm.model.language_model.attn_mask").dataType());
    SegModel target = SegModel.build(ModelConfig.preset(ModelConfig.SAM2_SMALL, 1L));
    Map<String, INDArray> own = target.stateDict();
    assertNotEquals(source.stateDict().get(Sam2Keys.DECODER + "iou_token.weight"),
        own.get(Sam2Keys.DECODER + "iou_token.weight"), "different seeds: equality below comes from the load");

    assertEquals(BESIDE_COUNTS, Sa2vaStateDict.skipped(own.keySet(), c.tensors().keySet()));
    assertEquals(15, Sa2vaStateDict.load(own, c.tensors(), true, "the test model"));
    for (var e : source.stateDict().entrySet()) {
      assertEquals(e.getValue(), own.get(e.getKey()), e.getKey());
    }
    // The decoder's own entry point, from the file.
    Sam2Decoder d = Sam2Decoder.build(Sam2DecoderConfig.small(), 5L);
    d.loadSafetensors(f, true);
    assertEquals(source.stateDict().get(Sam2Keys.PE_GAUSSIAN), d.stateDict().get(Sam2Keys.PE_GAUSSIAN));
  }

  @Test
  void aMissingOrMisshapenDecoderKeyOrAForeignKeyStillFailsNamingFileAndKey() throws Exception {
    SegModel source = SegModel.build(ModelConfig.preset(ModelConfig.SAM2_SMALL, 2L));
    Sam2Decoder d = Sam2Decoder.build(Sam2DecoderConfig.small(), 5L);
    String gone = Sam2Keys.DECODER + "mask_tokens.weight";
    String misshapen = Sam2Keys.DECODER + "transformer.layers.1.mlp.layers.0.weight";

    Path f = sa2vaFile("missing", source, all -> all.remove(gone));
    String msg = assertThrows(IllegalArgumentException.class, () -> d.loadSafetensors(f, true)).getMessage();
    assertTrue(msg.startsWith(f + ": state dict does not match the decoder"), msg);
    assertTrue(msg.contains("missing: [" + gone + " (expected [4, 32])]"), msg);

    Path g = sa2vaFile("misshapen", source, all -> all.put(misshapen, Nd4j.zeros(DataType.FLOAT, 64, 16)));
    msg = assertThrows(IllegalArgumentException.class, () -> d.loadSafetensors(g, true)).getMessage();
    assertTrue(msg.startsWith(g + ": "), msg);
    assertTrue(msg.contains("shape differs: [" + misshapen + " [64, 16] (expected [64, 32])]"), msg);

    // A key no Sa2VA module has: refused under strict, skipped (as "other") without.
    Path h = sa2vaFile("foreign", source, all -> all.put("model.decoder.head.weight", Nd4j.zeros(DataType.FLOAT, 2)));
    msg = assertThrows(IllegalArgumentException.class, () -> d.loadSafetensors(h, true)).getMessage();
    assertTrue(msg.contains("the decoder path skips): [model.decoder.head.weight]"), msg);
    Map<String, INDArray> own = d.stateDict();
    Map<String, Integer> counts = new LinkedHashMap<>(BESIDE_COUNTS);
    counts.put(Sa2vaStateDict.OTHER, 1);
    assertEquals(counts, Sa2vaStateDict.skipped(own.keySet(), Safetensors.read(h).tensors().keySet()));
    d.loadSafetensors(h, false);
    assertEquals(source.stateDict().get(misshapen), d.stateDict().get(misshapen));
  }

  @Test
  void classifiesTheUnusedSa2vaKeysAndNothingTheDecoderUses() {
    assertEquals("memory", Sa2vaStateDict.unusedGroup(SAM2 + "no_mem_embed"));
    assertEquals("memory", Sa2vaStateDict.unusedGroup(SAM2 + "obj_ptr_tpos_proj.weight"));
    assertEquals("image encoder", Sa2vaStateDict.unusedGroup(SAM2 + "image_encoder.trunk.patch_embed.proj.weight"));
    assertEquals("vision model", Sa2vaStateDict.unusedGroup("vision_model.encoder.layers.0.attn.qkv.weight"));
    assertEquals("LLM", Sa2vaStateDict.unusedGroup("language_model.lm_head.weight"));
    assertNull(Sa2vaStateDict.unusedGroup(SAM2 + "no_mem_embed_extra"), "exact keys match exactly");
    for (String key : Sam2Decoder.build(Sam2DecoderConfig.full(), 1L).stateDict().keySet()) {
      assertNull(Sa2vaStateDict.unusedGroup(key), key);
    }
  }
}
