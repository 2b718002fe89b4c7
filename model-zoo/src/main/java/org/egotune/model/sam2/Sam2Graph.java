package org.egotune.model.sam2;

import org.egotune.model.nn.TorchLayers;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the decoder graph. Written from SAM2's {@code mask_decoder.py}, {@code transformer.py},
 * {@code prompt_encoder.py} and {@code position_encoding.py} with Sa2VA's prompt (two not-a-point
 * tokens and the projected [SEG]), using only primitives that match PyTorch: SameDiff's gelu, layerNorm
 * and multi-head attention differ from PyTorch's (sigmoid GELU, no epsilon, no projection biases), so
 * each is written out ({@link TorchLayers}).
 */
final class Sam2Graph {
  private final SameDiff sd;
  private final Sam2DecoderConfig cfg;
  /** Layers and the seeded init stream; the batch size comes from the [SEG] placeholder. */
  private final TorchLayers nn;
  private final int c;

  private Sam2Graph(SameDiff sd, Sam2DecoderConfig cfg, long seed, SDVariable seg) {
    this.sd = sd;
    this.cfg = cfg;
    this.nn = new TorchLayers(sd, seed, seg);
    this.c = cfg.width();
  }

  static void build(SameDiff sd, Sam2DecoderConfig cfg, long seed) {
    int g = cfg.gridSize();
    int c = cfg.width();
    SDVariable image = sd.placeHolder(Sam2Decoder.IMAGE_EMBEDDINGS, DataType.FLOAT, -1, c, g, g);
    SDVariable s0 = sd.placeHolder(Sam2Decoder.HIGH_RES_S0, DataType.FLOAT, -1, c / 8, 4 * g, 4 * g);
    SDVariable s1 = sd.placeHolder(Sam2Decoder.HIGH_RES_S1, DataType.FLOAT, -1, c / 4, 2 * g, 2 * g);
    SDVariable seg = sd.placeHolder(Sam2Decoder.SEG_HIDDEN, DataType.FLOAT, -1, cfg.promptInDim());
    new Sam2Graph(sd, cfg, seed, seg).build(image, s0, s1, seg);
  }

  /**
   * Builds the decoder on inputs another part of the graph computes (a trainable backbone instead of
   * precomputed features): the same variables, names and initial values as {@link #build}, since the
   * placeholders take nothing from the random stream.
   */
  static void build(SameDiff sd, Sam2DecoderConfig cfg, long seed,
      SDVariable image, SDVariable s0, SDVariable s1, SDVariable seg) {
    new Sam2Graph(sd, cfg, seed, seg).build(image, s0, s1, seg);
  }

  private void build(SDVariable image, SDVariable s0, SDVariable s1, SDVariable seg) {
    int g = cfg.gridSize();
    int hw = g * g;

    // Sa2VA's text_hidden_fcs: Linear(H, H), ReLU, Linear(H, C), Dropout(0).
    SDVariable p = nn.relu(nn.linear(Sam2Keys.TEXT_FCS + "0", seg, 1, cfg.promptInDim(), cfg.promptHiddenDim()));
    SDVariable segToken = nn.linear(Sam2Keys.TEXT_FCS + "2", p, 1, cfg.promptHiddenDim(), c).reshape(-1, 1, c);

    // Prompt encoder: the dense PE is a function of a buffer, so it is computed in the graph from a
    // constant named by its key (loading real weights replaces the buffer and the PE follows).
    SDVariable gauss = sd.constant(Sam2Keys.PE_GAUSSIAN, nn.normal(new long[] {2, c / 2}, 1.0));
    SDVariable notAPoint = nn.param(Sam2Keys.PROMPT + "not_a_point_embed.weight", nn.normal(new long[] {1, c}, 1.0));
    SDVariable noMask = nn.param(Sam2Keys.PROMPT + "no_mask_embed.weight", nn.normal(new long[] {1, c}, 1.0));

    // Output tokens are declared in the order of SAM2's MaskDecoder.__init__.
    SDVariable iouToken = nn.param(Sam2Keys.DECODER + "iou_token.weight", nn.normal(new long[] {1, c}, 1.0));
    SDVariable maskTokens = nn.param(Sam2Keys.DECODER + "mask_tokens.weight",
        nn.normal(new long[] {cfg.numMaskTokens(), c}, 1.0));
    SDVariable objToken = nn.param(Sam2Keys.DECODER + "obj_score_token.weight", nn.normal(new long[] {1, c}, 1.0));

    // Token order: [obj-score, IoU, mask tokens..., not-a-point, not-a-point (padding), SEG].
    int fixed = 2 + cfg.numMaskTokens() + 2;
    int nTok = fixed + 1;
    SDVariable fixedTokens = sd.concat(0, objToken, iouToken, maskTokens, notAPoint, notAPoint)
        .reshape(1, fixed, c);
    // Broadcast the shared tokens to the (dynamic) batch through a zero of the SEG token's shape.
    SDVariable batchZero = sd.zerosLike(segToken);
    SDVariable tokens = sd.concat(1, fixedTokens.add(batchZero.sum(true, 1, 2)), segToken);

    SDVariable pos = densePe(gauss, g); // [1, hw, C]
    // Channels-last first (the placeholder needs no gradient through the permute), then the no-mask
    // embedding as an equal-shape add, whose backward is cheap, unlike a broadcast over [B, C, g, g].
    SDVariable src = image.reshape(-1, c, hw).permute(0, 2, 1).reshape(-1, c).add(nn.expandRows(noMask, hw))
        .reshape(-1, hw, c);

    SDVariable[] out = transformer(tokens, src, pos, nTok, hw);
    SDVariable hs = out[0];
    SDVariable keys = out[1];

    SDVariable up = upscale(keys, s0, s1);
    int m = cfg.numMaskTokens();
    int c8 = c / 8;
    SDVariable[] hyper = new SDVariable[m];
    for (int i = 0; i < m; i++) {
      SDVariable tok = hs.get(SDIndex.all(), SDIndex.point(2 + i), SDIndex.all());
      hyper[i] = mlp(Sam2Keys.DECODER + "output_hypernetworks_mlps." + i, tok, 1, new int[] {c, c, c, c8}, false)
          .reshape(-1, 1, c8);
    }
    SDVariable hyperIn = sd.concat(1, hyper); // [B, m, C/8]
    int side = cfg.maskSize();
    // up is channels-last [B, 4g*4g, C/8]: masks = hyper @ up^T, no transpose of the big map.
    SDVariable masks = sd.mmul(hyperIn, up, false, true, false).reshape(-1, m, side, side);
    masks = sd.identity(Sam2Decoder.LOW_RES_MASKS, masks);

    SDVariable iouOut = hs.get(SDIndex.all(), SDIndex.point(1), SDIndex.all());
    SDVariable iou = mlp(Sam2Keys.DECODER + "iou_prediction_head", iouOut, 1,
        new int[] {c, cfg.iouHiddenDim(), cfg.iouHiddenDim(), m}, true);
    iou = sd.identity(Sam2Decoder.IOU_PREDICTIONS, iou);
    SDVariable objOut = hs.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
    SDVariable obj = mlp(Sam2Keys.DECODER + "pred_obj_score_head", objOut, 1, new int[] {c, c, c, 1}, false);
    sd.identity(Sam2Decoder.OBJECT_SCORE_LOGITS, obj);

    // Multimask output (no point prompts): keep tokens 1.., pick the best predicted IoU. gatherNd has
    // no gradient in M2.1, so select with a one-hot product: only the chosen token gets a gradient,
    // the IoU head gets none through the selection, exactly as with PyTorch's integer indexing.
    // Masks are linear in the hypernetwork output, so we select the [B, C/8] vector and take one
    // product with the map: the same value as selecting the mask (a one-hot sum adds exact zeros)
    // without a broadcast multiply over [B, m-1, 4g, 4g], whose backward is slow in SameDiff.
    SDVariable multiIou = iou.get(SDIndex.all(), SDIndex.interval(1, m));
    SDVariable best = sd.argmax(multiIou, 1);
    SDVariable hot = sd.oneHot(best, m - 1, -1, 1.0, 0.0, DataType.FLOAT).reshape(-1, m - 1, 1);
    SDVariable chosen = hyperIn.get(SDIndex.all(), SDIndex.interval(1, m), SDIndex.all())
        .mul(hot).sum(true, 1); // [B, 1, C/8]
    SDVariable selected = sd.mmul(chosen, up, false, true, false).reshape(-1, 1, side, side);
    sd.identity(Sam2Decoder.MASK_LOGITS, selected);
  }

  /** TwoWayTransformer: returns {queries [B, nTok, C], keys [B, hw, C]}. */
  private SDVariable[] transformer(SDVariable tokens, SDVariable image, SDVariable pos, int nTok, int hw) {
    String t = Sam2Keys.DECODER + "transformer.";
    SDVariable queries = tokens;
    SDVariable keys = image;
    for (int i = 0; i < cfg.depth(); i++) {
      String l = t + "layers." + i + ".";
      if (i == 0) {
        // skip_first_layer_pe: the first self-attention has neither positional encoding nor residual.
        queries = attention(l + "self_attn", queries, queries, queries, nTok, nTok, c);
      } else {
        SDVariable q = queries.add(tokens);
        queries = queries.add(attention(l + "self_attn", q, q, queries, nTok, nTok, c));
      }
      queries = layerNorm(l + "norm1", queries, nTok);
      SDVariable q = queries.add(tokens);
      SDVariable k = keys.add(pos);
      queries = queries.add(attention(l + "cross_attn_token_to_image", q, k, keys, nTok, hw, cfg.crossDim()));
      queries = layerNorm(l + "norm2", queries, nTok);
      SDVariable mlpOut = mlp(l + "mlp", queries.reshape(-1, c), nTok, new int[] {c, cfg.mlpDim(), c}, false);
      queries = queries.add(mlpOut.reshape(-1, nTok, c));
      queries = layerNorm(l + "norm3", queries, nTok);
      q = queries.add(tokens);
      k = keys.add(pos);
      keys = keys.add(attention(l + "cross_attn_image_to_token", k, q, queries, hw, nTok, cfg.crossDim()));
      keys = layerNorm(l + "norm4", keys, hw);
    }
    SDVariable q = queries.add(tokens);
    SDVariable k = keys.add(pos);
    queries = queries.add(attention(t + "final_attn_token_to_image", q, k, keys, nTok, hw, cfg.crossDim()));
    queries = layerNorm(t + "norm_final_attn", queries, nTok);
    return new SDVariable[] {queries, keys};
  }

  /** SAM's Attention: project to {@code inner}, split heads, softmax(QK^T / sqrt(d)) V, project back. */
  private SDVariable attention(String key, SDVariable q, SDVariable k, SDVariable v, int nq, int nk, int inner) {
    SDVariable qp = nn.linear(key + ".q_proj", q.reshape(-1, c), nq, c, inner);
    SDVariable kp = nn.linear(key + ".k_proj", k.reshape(-1, c), nk, c, inner);
    SDVariable vp = nn.linear(key + ".v_proj", v.reshape(-1, c), nk, c, inner);
    SDVariable o = nn.attention(qp, kp, vp, nq, nk, cfg.heads(), inner);
    return nn.linear(key + ".out_proj", o, nq, inner, c).reshape(-1, nq, c);
  }

  /**
   * Output upscaling with SAM2's high-resolution adds: act(LN2d(dc1(src) + s1)), then
   * act(dc2(.) + s0). Computed channels-last (NHWC), where the transposed convolutions are plain
   * matmuls over pixels and LayerNorm2d reduces a contiguous axis; only the inputs s0/s1, which need
   * no gradient, are permuted. {@code keys} is [B, g*g, C]; returns [B, 4g*4g, C/8].
   */
  private SDVariable upscale(SDVariable keys, SDVariable s0, SDVariable s1) {
    int g = cfg.gridSize();
    String u = Sam2Keys.DECODER + "output_upscaling.";
    SDVariable x = nn.deconv2x2(u + "0", keys.reshape(-1, c), g, c, c / 4, 1); // [B, 2g, 2g, C/4]
    x = x.add(s1.permute(0, 2, 3, 1)).reshape(-1, c / 4);
    x = nn.gelu(nn.layerNorm(u + "1", x, 4 * g * g, c / 4, TorchLayers.LAYERNORM2D_EPS)); // LayerNorm2d: over channels
    x = nn.deconv2x2(u + "3", x, 2 * g, c / 4, c / 8, 1); // [B, 4g, 4g, C/8]
    return nn.gelu(x.add(s0.permute(0, 2, 3, 1))).reshape(-1, 16 * g * g, c / 8);
  }

  /** Random Fourier features of the cell centres: [sin, cos](2 pi (2 [x, y] - 1) @ G), as [1, g*g, C]. */
  private SDVariable densePe(SDVariable gauss, int g) {
    float[] coords = new float[g * g * 2];
    for (int y = 0; y < g; y++) {
      for (int x = 0; x < g; x++) {
        int i = (y * g + x) * 2;
        coords[i] = (float) (2.0 * ((x + 0.5) / g) - 1.0);
        coords[i + 1] = (float) (2.0 * ((y + 0.5) / g) - 1.0);
      }
    }
    SDVariable grid = sd.constant("dense_pe_coords", Nd4j.create(coords, new long[] {g * g, 2}, 'c'));
    SDVariable proj = grid.mmul(gauss).mul(2 * Math.PI);
    return sd.concat(1, sd.math().sin(proj), sd.math().cos(proj)).reshape(1, g * g, c);
  }

  /** SAM's MLP on rows [B*rows, dims[0]]: Linear layers with ReLU between them, optional sigmoid on the output. */
  private SDVariable mlp(String key, SDVariable x, int rows, int[] dims, boolean sigmoidOut) {
    SDVariable h = x;
    for (int i = 0; i + 1 < dims.length; i++) {
      h = nn.linear(key + ".layers." + i, h, rows, dims[i], dims[i + 1]);
      if (i + 2 < dims.length) {
        h = nn.relu(h);
      }
    }
    return sigmoidOut ? sd.nn().sigmoid(h) : h;
  }

  /** nn.LayerNorm over the last axis of [B, N, C] (eps 1e-5), returned as [B, N, C]. */
  private SDVariable layerNorm(String key, SDVariable x, int n) {
    return nn.layerNorm(key, x.reshape(-1, c), n, c, TorchLayers.LAYERNORM_EPS).reshape(-1, n, c);
  }

}
