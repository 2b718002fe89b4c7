package org.egotune.model.depth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The released decoder's state-dict keys, shapes and initialisations, in the order PyTorch lists them
 * (module registration order of EgoDTM's {@code InstanceHOI}: {@code input_proj}, {@code fpn},
 * {@code mask_features}, then {@code decoder} with its self-attention, cross-attention and FFN layers,
 * {@code decoder_norm}, the two query embeddings, {@code class_embed} and {@code mask_embed}). Names
 * inside the layers are flash-attn 0.2.8's ({@code self_attn.Wqkv}, {@code mlp.fc1}) and
 * nn.MultiheadAttention's ({@code multihead_attn.in_proj_weight}); the FPN's detectron2 conv wrappers
 * hold {@code weight} and {@code norm.*}. A parameter's SameDiff name is its key.
 */
final class DepthKeys {
  private DepthKeys() {}

  static final String INPUT_PROJ = "input_proj";
  static final String FPN = "fpn.";
  static final String P2 = FPN + "simfp_2.";
  static final String P4 = FPN + "simfp_4.";
  static final String MASK_FEATURES = "mask_features";
  static final String DECODER = "decoder.";
  static final String DECODER_NORM = DECODER + "decoder_norm";
  static final String QUERY_FEAT = DECODER + "query_feat.weight";
  static final String QUERY_EMBED = DECODER + "query_embed.weight";
  static final String CLASS_EMBED = DECODER + "class_embed";
  static final String MASK_EMBED = DECODER + "mask_embed.layers.";
  /** Prefixes of a full EgoDTM checkpoint that are not the depth decoder (dual encoder, VTC/VTM heads). */
  static final List<String> OTHER_PARTS = List.of("backbone.", "image_projection", "vtm_head.");

  static String selfAttn(int i) {
    return DECODER + "transformer_self_attention_layers." + i + ".";
  }

  static String crossAttn(int i) {
    return DECODER + "transformer_cross_attention_layers." + i + ".";
  }

  static String ffn(int i) {
    return DECODER + "transformer_ffn_layers." + i + ".";
  }

  /** How a tensor starts, as PyTorch's modules initialise it in the release (B.2 step 9). */
  enum Init {
    /** nn.Linear / nn.ConvTranspose2d default: U(+-1/sqrt(fan_in)); {@code fanIn} given per key. */
    DEFAULT,
    /** xavier_uniform_ (the release resets every >1-D parameter of attention, FFN, MLP and FPN convs). */
    XAVIER,
    /** c2_xavier_fill: kaiming_uniform_(a=1) = U(+-sqrt(3/fan_in)). */
    KAIMING_A1,
    /** nn.Embedding: N(0, 1). */
    NORMAL,
    ONES,
    ZEROS
  }

  /** One tensor: key, shape, initialisation, and the fan-in its DEFAULT/KAIMING bound uses. */
  record Tensor(String key, long[] shape, Init init, long fanIn) {}

  /** Every trainable tensor of the decoder at {@code cfg}, in the release's state-dict order. */
  static List<Tensor> table(DepthHeadConfig cfg) {
    List<Tensor> t = new ArrayList<>();
    int c = cfg.width();
    int d = cfg.inDim();
    linear(t, INPUT_PROJ, d, c, Init.DEFAULT, Init.DEFAULT);
    // ConvTranspose2d's fan_in is its weight's dim 1 (out channels) x k x k.
    t.add(new Tensor(P2 + "0.weight", new long[] {c, c / 2, 2, 2}, Init.DEFAULT, 4L * (c / 2)));
    t.add(new Tensor(P2 + "0.bias", new long[] {c / 2}, Init.DEFAULT, 4L * (c / 2)));
    norm(t, P2 + "1", c / 2);
    t.add(new Tensor(P2 + "3.weight", new long[] {c / 2, c / 4, 2, 2}, Init.DEFAULT, 4L * (c / 4)));
    t.add(new Tensor(P2 + "3.bias", new long[] {c / 4}, Init.DEFAULT, 4L * (c / 4)));
    convNorm(t, P2 + "4", c / 4, c, 1);
    convNorm(t, P2 + "5", c, c, 3);
    convNorm(t, P4 + "0", c, c, 1);
    convNorm(t, P4 + "1", c, c, 3);
    t.add(new Tensor(MASK_FEATURES + ".weight", new long[] {c, c, 1, 1}, Init.KAIMING_A1, c));
    t.add(new Tensor(MASK_FEATURES + ".bias", new long[] {c}, Init.ZEROS, c));
    for (int i = 0; i < cfg.layers(); i++) {
      linear(t, selfAttn(i) + "self_attn.Wqkv", c, 3 * c, Init.XAVIER, Init.DEFAULT);
      linear(t, selfAttn(i) + "self_attn.out_proj", c, c, Init.XAVIER, Init.DEFAULT);
      norm(t, selfAttn(i) + "norm", c);
    }
    for (int i = 0; i < cfg.layers(); i++) {
      // nn.MultiheadAttention zeroes its projection biases.
      String a = crossAttn(i) + "multihead_attn.";
      t.add(new Tensor(a + "in_proj_weight", new long[] {3L * c, c}, Init.XAVIER, c));
      t.add(new Tensor(a + "in_proj_bias", new long[] {3L * c}, Init.ZEROS, c));
      t.add(new Tensor(a + "out_proj.weight", new long[] {c, c}, Init.XAVIER, c));
      t.add(new Tensor(a + "out_proj.bias", new long[] {c}, Init.ZEROS, c));
      norm(t, crossAttn(i) + "norm", c);
    }
    for (int i = 0; i < cfg.layers(); i++) {
      linear(t, ffn(i) + "mlp.fc1", c, cfg.ffnDim(), Init.XAVIER, Init.DEFAULT);
      linear(t, ffn(i) + "mlp.fc2", cfg.ffnDim(), c, Init.XAVIER, Init.DEFAULT);
      norm(t, ffn(i) + "norm", c);
    }
    norm(t, DECODER_NORM, c);
    t.add(new Tensor(QUERY_FEAT, new long[] {cfg.queries(), c}, Init.NORMAL, c));
    t.add(new Tensor(QUERY_EMBED, new long[] {cfg.queries(), c}, Init.NORMAL, c));
    linear(t, CLASS_EMBED, c, 1, Init.DEFAULT, Init.DEFAULT);
    for (int i = 0; i < 3; i++) {
      linear(t, MASK_EMBED + i, c, c, Init.XAVIER, Init.DEFAULT);
    }
    return Collections.unmodifiableList(t);
  }

  private static void linear(List<Tensor> t, String key, int in, int out, Init w, Init b) {
    t.add(new Tensor(key + ".weight", new long[] {out, in}, w, in));
    t.add(new Tensor(key + ".bias", new long[] {out}, b, in));
  }

  private static void norm(List<Tensor> t, String key, int c) {
    t.add(new Tensor(key + ".weight", new long[] {c}, Init.ONES, c));
    t.add(new Tensor(key + ".bias", new long[] {c}, Init.ZEROS, c));
  }

  /** detectron2's Conv2d with a norm: bias-free weight [out, in, k, k] and the norm's weight/bias. */
  private static void convNorm(List<Tensor> t, String key, int in, int out, int k) {
    t.add(new Tensor(key + ".weight", new long[] {out, in, k, k}, Init.XAVIER, (long) in * k * k));
    norm(t, key + ".norm", out);
  }
}
