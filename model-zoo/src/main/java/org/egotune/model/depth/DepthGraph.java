package org.egotune.model.depth;

import java.util.HashMap;
import java.util.Map;
import org.egotune.model.nn.TorchLayers;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the depth decoder graph from shared/NVOS_AND_DEPTH.md B.2. Every parameter is declared
 * first, in the release's state-dict order ({@link DepthKeys#table}), so the initial values depend
 * only on the seed and that table, not on the order the graph uses them in.
 *
 * <p>Maps are computed channels-last, as rows {@code [pixels, channels]}: the transposed and 1x1
 * convolutions and the linear layers are matmuls and the channel LayerNorms reduce a contiguous axis.
 * Only the 3x3 convolutions use SameDiff's conv2d (NHWC, the PyTorch weight permuted to [kH, kW, in,
 * out]). Rows of one clip are frame-major (t, y, x), as the release's memory and depth maps are.
 */
final class DepthGraph {
  private final SameDiff sd;
  private final DepthHeadConfig cfg;
  private final TorchLayers nn;
  private final Map<String, SDVariable> p = new HashMap<>();
  private final int c;

  private DepthGraph(SameDiff sd, DepthHeadConfig cfg, long seed, SDVariable batchRef) {
    this.sd = sd;
    this.cfg = cfg;
    this.nn = new TorchLayers(sd, seed, batchRef);
    this.c = cfg.width();
  }

  /** Adds the decoder on a new {@value DepthHead#PATCH_TOKENS} placeholder [B, T, g*g, D]. */
  static void build(SameDiff sd, DepthHeadConfig cfg, long seed) {
    SDVariable tokens = sd.placeHolder(DepthHead.PATCH_TOKENS, DataType.FLOAT,
        -1, cfg.frames(), cfg.tokensPerFrame(), cfg.inDim());
    build(sd, cfg, seed, tokens);
  }

  /** Adds the decoder on tokens [B, T, g*g, D] another part of the graph computes. */
  static void build(SameDiff sd, DepthHeadConfig cfg, long seed, SDVariable tokens) {
    // [B, 1] from the tokens, only for the batch size (onesLike/zerosLike pass no gradient).
    SDVariable batchRef = tokens.get(SDIndex.all(), SDIndex.point(0), SDIndex.point(0), SDIndex.interval(0, 1));
    new DepthGraph(sd, cfg, seed, batchRef).build(tokens, batchRef);
  }

  private void build(SDVariable tokens, SDVariable batchRef) {
    declare();
    int t = cfg.frames();
    int g = cfg.grid();
    int hw = cfg.tokensPerFrame();
    int s = cfg.outSize();
    int perClip = t * hw; // memory tokens of one clip
    int pixels = t * s * s; // depth pixels of one clip

    SDVariable x = linear(tokens.reshape(-1, cfg.inDim()), DepthKeys.INPUT_PROJ, perClip); // [B*T*hw, C]

    // simfp_2 (x4): deconv, LN2d, GELU, deconv, 1x1 + LN2d, 3x3 + LN2d.
    SDVariable y = nn.deconv2x2(x, p.get(DepthKeys.P2 + "0.weight"), p.get(DepthKeys.P2 + "0.bias"), g, c, c / 2, t)
        .reshape(-1, c / 2);
    y = nn.gelu(norm2d(y, DepthKeys.P2 + "1", 4 * perClip, c / 2));
    y = nn.deconv2x2(y, p.get(DepthKeys.P2 + "3.weight"), p.get(DepthKeys.P2 + "3.bias"), 2 * g, c / 2, c / 4, t)
        .reshape(-1, c / 4);
    y = norm2d(conv1x1(y, DepthKeys.P2 + "4", c / 4), DepthKeys.P2 + "4.norm", pixels, c);
    y = norm2d(conv3x3(y, DepthKeys.P2 + "5", s), DepthKeys.P2 + "5.norm", pixels, c);
    // mask_features: 1x1 conv with bias on p2, the per-pixel embedding the queries are matched with.
    SDVariable maskFeatures = nn.linear(y, p.get(DepthKeys.MASK_FEATURES + ".weight").reshape(c, c),
        p.get(DepthKeys.MASK_FEATURES + ".bias"), pixels).reshape(-1, pixels, c);

    // simfp_4 (x1): 1x1 + LN2d, 3x3 + LN2d: the decoder's memory (keys and values).
    SDVariable z = norm2d(conv1x1(x, DepthKeys.P4 + "0", c), DepthKeys.P4 + "0.norm", perClip, c);
    z = norm2d(conv3x3(z, DepthKeys.P4 + "1", g), DepthKeys.P4 + "1.norm", perClip, c); // [B*T*hw, C]
    SDVariable memKeys = z;
    if (cfg.memoryPositionEncoding()) {
      INDArray pe = SinePosition3d.encode(t, g, c);
      memKeys = z.reshape(-1, perClip, c).add(sd.constant("memory_position_encoding", pe.reshape(1, perClip, c)))
          .reshape(-1, c);
    }

    int q = cfg.queries();
    SDVariable batchZero = sd.zerosLike(batchRef).reshape(-1, 1, 1);
    SDVariable out = p.get(DepthKeys.QUERY_FEAT).reshape(1, q, c).add(batchZero).reshape(-1, c); // [B*Q, C]
    SDVariable qpos = p.get(DepthKeys.QUERY_EMBED).reshape(1, q, c).add(batchZero).reshape(-1, c);

    SDVariable[] preds = new SDVariable[cfg.layers() + 1];
    SDVariable[] centres = new SDVariable[cfg.layers() + 1];
    head(out, maskFeatures, preds, centres, 0);
    for (int i = 0; i < cfg.layers(); i++) {
      // Cross-attention: queries + position attend to the memory; post-norm.
      String a = DepthKeys.crossAttn(i) + "multihead_attn.";
      SDVariable w = p.get(a + "in_proj_weight");
      SDVariable b = p.get(a + "in_proj_bias");
      SDVariable qh = nn.linear(out.add(qpos), rowsOf(w, 0), rowsOf(b, 0), q);
      SDVariable kh = nn.linear(memKeys, rowsOf(w, 1), rowsOf(b, 1), perClip);
      SDVariable vh = nn.linear(z, rowsOf(w, 2), rowsOf(b, 2), perClip);
      SDVariable att = nn.attention(qh, kh, vh, q, perClip, cfg.heads(), c);
      out = norm(out.add(linear(att, a + "out_proj", q)), DepthKeys.crossAttn(i) + "norm", q);

      // Self-attention with one fused projection; the release feeds queries + position to V as well.
      String sa = DepthKeys.selfAttn(i) + "self_attn.";
      SDVariable wqkv = p.get(sa + "Wqkv.weight");
      SDVariable bqkv = p.get(sa + "Wqkv.bias");
      SDVariable qkv = nn.linear(out.add(qpos), wqkv, bqkv, q); // [B*Q, 3C]
      SDVariable vs = cfg.valueWithQueryPos()
          ? qkv.get(SDIndex.all(), SDIndex.interval(2 * c, 3 * c))
          : nn.linear(out, rowsOf(wqkv, 2), rowsOf(bqkv, 2), q);
      att = nn.attention(qkv.get(SDIndex.all(), SDIndex.interval(0, c)),
          qkv.get(SDIndex.all(), SDIndex.interval(c, 2 * c)), vs, q, q, cfg.heads(), c);
      out = norm(out.add(linear(att, sa + "out_proj", q)), DepthKeys.selfAttn(i) + "norm", q);

      // FFN with ReLU; post-norm.
      String f = DepthKeys.ffn(i) + "mlp.";
      SDVariable hidden = nn.relu(linear(out, f + "fc1", q));
      out = norm(out.add(linear(hidden, f + "fc2", q)), DepthKeys.ffn(i) + "norm", q);
      head(out, maskFeatures, preds, centres, i + 1);
    }
    for (int i = 0; i < cfg.layers(); i++) {
      sd.identity(DepthHead.auxDepth(i), preds[i]);
    }
    sd.identity(DepthHead.DEPTH, preds[cfg.layers()]);
    sd.identity(DepthHead.BIN_CENTERS, centres[cfg.layers()]);
  }

  /**
   * The prediction head on queries [B*Q, C]: decoder_norm, bin logits (class_embed) and mask
   * embeddings (3-layer MLP), per-pixel logits against the mask features, then depth = sum over bins
   * of softmax(logits) x bin centre, with the centres from the normalised ReLU(w) + floor widths.
   */
  private void head(SDVariable queries, SDVariable maskFeatures, SDVariable[] preds, SDVariable[] centres, int k) {
    int q = cfg.queries();
    int s = cfg.outSize();
    SDVariable y = norm(queries, DepthKeys.DECODER_NORM, q);
    SDVariable bins = linear(y, DepthKeys.CLASS_EMBED, q).reshape(-1, q); // [B, Q]
    SDVariable m = y;
    for (int i = 0; i < 3; i++) {
      m = linear(m, DepthKeys.MASK_EMBED + i, q);
      if (i < 2) {
        m = nn.relu(m);
      }
    }
    SDVariable logits = sd.mmul(m.reshape(-1, q, c), maskFeatures, false, true, false); // [B, Q, T*S*S]
    SDVariable prob = sd.nn().softmax(logits, 1);
    SDVariable w = nn.relu(bins).add(cfg.binFloor());
    SDVariable widths = w.div(w.sum(true, 1));
    // Centre q = (edge q-1 + edge q) / 2 = cumsum(widths)_q - widths_q / 2.
    SDVariable mid = sd.cumsum(widths, false, false, 1).sub(widths.mul(0.5));
    centres[k] = mid;
    preds[k] = sd.mmul(mid.reshape(-1, 1, q), prob).reshape(-1, cfg.frames(), s, s);
  }

  /** Declares every parameter in the table's order, each initialised as the release does. */
  private void declare() {
    for (DepthKeys.Tensor e : DepthKeys.table(cfg)) {
      INDArray init = switch (e.init()) {
        case DEFAULT -> nn.uniform(e.shape(), 1.0 / Math.sqrt(e.fanIn()));
        case XAVIER -> nn.xavier(e.shape());
        case KAIMING_A1 -> nn.uniform(e.shape(), Math.sqrt(3.0 / e.fanIn()));
        case NORMAL -> nn.normal(e.shape(), 1.0);
        case ONES -> Nd4j.ones(DataType.FLOAT, e.shape());
        case ZEROS -> Nd4j.zeros(DataType.FLOAT, e.shape());
      };
      p.put(e.key(), nn.param(e.key(), init));
    }
  }

  private SDVariable linear(SDVariable x2d, String key, int rows) {
    return nn.linear(x2d, p.get(key + ".weight"), p.get(key + ".bias"), rows);
  }

  /** nn.LayerNorm (eps 1e-5) over rows of queries. */
  private SDVariable norm(SDVariable x2d, String key, int rows) {
    return nn.layerNorm(x2d, p.get(key + ".weight"), p.get(key + ".bias"), rows, c, TorchLayers.LAYERNORM_EPS);
  }

  /** LayerNorm2d (eps 1e-6) over the channels of channels-last pixel rows. */
  private SDVariable norm2d(SDVariable x2d, String key, int rows, int ch) {
    return nn.layerNorm(x2d, p.get(key + ".weight"), p.get(key + ".bias"), rows, ch, TorchLayers.LAYERNORM2D_EPS);
  }

  /** Bias-free 1x1 convolution on pixel rows: a matmul with the [out, in, 1, 1] weight as [out, in]. */
  private SDVariable conv1x1(SDVariable rows, String key, int in) {
    return sd.mmul(rows, p.get(key + ".weight").reshape(c, in), false, true, false);
  }

  /** Bias-free 3x3 convolution, padding 1, on pixel rows of n x n maps; returns rows. */
  private SDVariable conv3x3(SDVariable rows, String key, int n) {
    SDVariable w = p.get(key + ".weight").permute(2, 3, 1, 0); // [out, in, kH, kW] -> [kH, kW, in, out]
    Conv2DConfig conf = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1)
        .paddingMode(PaddingMode.SAME).dataFormat(Conv2DConfig.NHWC).build();
    return sd.cnn().conv2d(rows.reshape(-1, n, n, c), w, conf).reshape(-1, c);
  }

  /** Rows [part*C, (part+1)*C) of a fused q/k/v weight [3C, C] or bias [3C]. */
  private SDVariable rowsOf(SDVariable fused, int part) {
    SDIndex rows = SDIndex.interval(part * c, (part + 1) * c);
    return fused.getArr().rank() == 1 ? fused.get(rows) : fused.get(rows, SDIndex.all());
  }
}
