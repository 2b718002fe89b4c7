package org.egotune.model.sam2;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the decoder graph. Written from SAM2's {@code mask_decoder.py}, {@code transformer.py},
 * {@code prompt_encoder.py} and {@code position_encoding.py} with Sa2VA's prompt (two not-a-point
 * tokens and the projected [SEG]), using only primitives that match PyTorch: SameDiff's gelu, layerNorm
 * and multi-head attention differ from PyTorch's (sigmoid GELU, no epsilon, no projection biases), so
 * each is written out below with the reason beside it.
 */
final class Sam2Graph {
  static final double TRANSFORMER_EPS = 1e-5;
  static final double LAYERNORM2D_EPS = 1e-6;

  private final SameDiff sd;
  private final Sam2DecoderConfig cfg;
  private final SplittableRandom rng;
  private final int c;
  /** Columns of ones [B*n, 1] by n: see {@link #ones}. */
  private final Map<Integer, SDVariable> onesByRows = new HashMap<>();
  private SDVariable batchRef;

  private Sam2Graph(SameDiff sd, Sam2DecoderConfig cfg, long seed) {
    this.sd = sd;
    this.cfg = cfg;
    this.rng = new SplittableRandom(seed);
    this.c = cfg.width();
  }

  static void build(SameDiff sd, Sam2DecoderConfig cfg, long seed) {
    int g = cfg.gridSize();
    int c = cfg.width();
    SDVariable image = sd.placeHolder(Sam2Decoder.IMAGE_EMBEDDINGS, DataType.FLOAT, -1, c, g, g);
    SDVariable s0 = sd.placeHolder(Sam2Decoder.HIGH_RES_S0, DataType.FLOAT, -1, c / 8, 4 * g, 4 * g);
    SDVariable s1 = sd.placeHolder(Sam2Decoder.HIGH_RES_S1, DataType.FLOAT, -1, c / 4, 2 * g, 2 * g);
    SDVariable seg = sd.placeHolder(Sam2Decoder.SEG_HIDDEN, DataType.FLOAT, -1, cfg.promptInDim());
    new Sam2Graph(sd, cfg, seed).build(image, s0, s1, seg);
  }

  /**
   * Builds the decoder on inputs another part of the graph computes (a trainable backbone instead of
   * precomputed features): the same variables, names and initial values as {@link #build}, since the
   * placeholders take nothing from the random stream.
   */
  static void build(SameDiff sd, Sam2DecoderConfig cfg, long seed,
      SDVariable image, SDVariable s0, SDVariable s1, SDVariable seg) {
    new Sam2Graph(sd, cfg, seed).build(image, s0, s1, seg);
  }

  private void build(SDVariable image, SDVariable s0, SDVariable s1, SDVariable seg) {
    int g = cfg.gridSize();
    int hw = g * g;
    batchRef = seg;

    // Sa2VA's text_hidden_fcs: Linear(H, H), ReLU, Linear(H, C), Dropout(0).
    SDVariable p = relu(linear(Sam2Keys.TEXT_FCS + "0", seg, 1, cfg.promptInDim(), cfg.promptHiddenDim()));
    SDVariable segToken = linear(Sam2Keys.TEXT_FCS + "2", p, 1, cfg.promptHiddenDim(), c).reshape(-1, 1, c);

    // Prompt encoder: the dense PE is a function of a buffer, so it is computed in the graph from a
    // constant named by its key (loading real weights replaces the buffer and the PE follows).
    SDVariable gauss = sd.constant(Sam2Keys.PE_GAUSSIAN, normal(new long[] {2, c / 2}, 1.0));
    SDVariable notAPoint = param(Sam2Keys.PROMPT + "not_a_point_embed.weight", normal(new long[] {1, c}, 1.0));
    SDVariable noMask = param(Sam2Keys.PROMPT + "no_mask_embed.weight", normal(new long[] {1, c}, 1.0));

    // Output tokens are declared in the order of SAM2's MaskDecoder.__init__.
    SDVariable iouToken = param(Sam2Keys.DECODER + "iou_token.weight", normal(new long[] {1, c}, 1.0));
    SDVariable maskTokens = param(Sam2Keys.DECODER + "mask_tokens.weight",
        normal(new long[] {cfg.numMaskTokens(), c}, 1.0));
    SDVariable objToken = param(Sam2Keys.DECODER + "obj_score_token.weight", normal(new long[] {1, c}, 1.0));

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
    SDVariable src = image.reshape(-1, c, hw).permute(0, 2, 1).reshape(-1, c).add(expandRows(noMask, hw))
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
    int h = cfg.heads();
    int d = inner / h;
    SDVariable qh = heads(linear(key + ".q_proj", q.reshape(-1, c), nq, c, inner), nq, h, d);
    SDVariable kh = heads(linear(key + ".k_proj", k.reshape(-1, c), nk, c, inner), nk, h, d);
    SDVariable vh = heads(linear(key + ".v_proj", v.reshape(-1, c), nk, c, inner), nk, h, d);
    SDVariable logits = sd.mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(d));
    SDVariable att = sd.nn().softmax(logits, 3);
    SDVariable o = sd.mmul(att, vh).permute(0, 2, 1, 3).reshape(-1, inner);
    return linear(key + ".out_proj", o, nq, inner, c).reshape(-1, nq, c);
  }

  private static SDVariable heads(SDVariable x2d, int n, int h, int d) {
    return x2d.reshape(-1, n, h, d).permute(0, 2, 1, 3);
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
    SDVariable x = deconv2x2(u + "0", keys.reshape(-1, c), g, c, c / 4); // [B, 2g, 2g, C/4]
    x = x.add(s1.permute(0, 2, 3, 1)).reshape(-1, c / 4);
    x = gelu(layerNorm(u + "1", x, 4 * g * g, c / 4, LAYERNORM2D_EPS)); // LayerNorm2d: over channels
    x = deconv2x2(u + "3", x, 2 * g, c / 4, c / 8); // [B, 4g, 4g, C/8]
    return gelu(x.add(s0.permute(0, 2, 3, 1))).reshape(-1, 16 * g * g, c / 8);
  }

  /**
   * ConvTranspose2d(k=2, stride=2) with PyTorch's [in, out, 2, 2] weight, as matmuls:
   * out[b, 2i+ki, 2j+kj, o] = sum_c x[b, i, j, c] W[c, o, ki, kj] + bias[o]. Input rows are the
   * channels-last pixels of an n x n map; output is NHWC [B, 2n, 2n, out]. One matmul per ki with
   * the weight's columns ordered (kj, o) writes output row 2i+ki directly (j and kj are adjacent), so
   * interleaving the two is a stack: no permute of the large map (a 6-D permute costs more than both
   * matmuls in ND4J), only of the small weight.
   */
  private SDVariable deconv2x2(String key, SDVariable rows, int n, int in, int out) {
    double bound = 1.0 / Math.sqrt(out * 4.0); // PyTorch's fan_in for ConvTranspose is dim 1 * k * k
    SDVariable w = param(key + ".weight", uniform(new long[] {in, out, 2, 2}, bound));
    SDVariable b = param(key + ".bias", uniform(new long[] {out}, bound));
    SDVariable wp = w.permute(0, 2, 3, 1); // [in, ki, kj, out]
    SDVariable[] half = new SDVariable[2];
    for (int ki = 0; ki < 2; ki++) {
      SDVariable wk = wp.get(SDIndex.all(), SDIndex.point(ki), SDIndex.all(), SDIndex.all()).reshape(in, 2 * out);
      half[ki] = rows.mmul(wk).reshape(-1, n, 2 * n, out); // [b, i, 2j+kj, o]
    }
    SDVariable y = sd.stack(2, half).reshape(-1, out); // [b, i, ki, 2j+kj, o] = rows of [B, 2n, 2n, out]
    return y.add(expandRows(b, 4 * n * n)).reshape(-1, 2 * n, 2 * n, out);
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
      h = linear(key + ".layers." + i, h, rows, dims[i], dims[i + 1]);
      if (i + 2 < dims.length) {
        h = relu(h);
      }
    }
    return sigmoidOut ? sd.nn().sigmoid(h) : h;
  }

  /** nn.Linear on rows [B*rows, in], with the weight kept in PyTorch's [out, in] layout (used transposed). */
  private SDVariable linear(String key, SDVariable x2d, int rows, int in, int out) {
    double bound = 1.0 / Math.sqrt(in); // PyTorch's default Linear init
    SDVariable w = param(key + ".weight", uniform(new long[] {out, in}, bound));
    SDVariable b = param(key + ".bias", uniform(new long[] {out}, bound));
    return sd.mmul(x2d, w, false, true, false).add(expandRows(b, rows));
  }

  /** nn.LayerNorm over the last axis of [B, N, C] (eps 1e-5), returned as [B, N, C]. */
  private SDVariable layerNorm(String key, SDVariable x, int n) {
    return layerNorm(key, x.reshape(-1, c), n, c, TRANSFORMER_EPS).reshape(-1, n, c);
  }

  /**
   * LayerNorm over the columns of rows [B*rows, ch], written out because SameDiff's layerNorm has no
   * epsilon. ND4J's backward of a broadcast multiply is slow (SAMEDIFF_NOTES: ~100 ms on a [5, 4096,
   * 256] map), so every per-row or per-column factor is expanded to the full [B*rows, ch] shape by an
   * outer-product matmul first, whose backward is a matrix-vector product, and the element-wise ops
   * all see equal shapes: scale = rsqrt(var + eps) (per row) times the weight (per column) is one
   * outer product, the bias another. Only the mean subtraction keeps a broadcast (its backward is a
   * cheap row sum).
   */
  private SDVariable layerNorm(String key, SDVariable x2d, int rows, int ch, double eps) {
    SDVariable w = param(key + ".weight", Nd4j.ones(DataType.FLOAT, ch));
    SDVariable b = param(key + ".bias", Nd4j.zeros(DataType.FLOAT, ch));
    SDVariable xc = x2d.sub(x2d.mean(true, 1));
    SDVariable inv = sd.math().rsqrt(xc.mul(xc).mean(true, 1).add(eps)); // [B*rows, 1]
    return xc.mul(sd.mmul(inv, w.reshape(1, ch))).add(expandRows(b, rows));
  }

  /** {@code v} [k] repeated on every row: [B*rows, k], as the outer product ones [B*rows, 1] x v. */
  private SDVariable expandRows(SDVariable v, int rows) {
    return sd.mmul(ones(rows), v.reshape(1, -1));
  }

  /**
   * A column of ones [B*rows, 1] for the graph's dynamic batch B, made from the [SEG] placeholder so
   * that no gradient flows through it; one per row count.
   */
  private SDVariable ones(int rows) {
    return onesByRows.computeIfAbsent(rows, n -> {
      SDVariable perSample = sd.onesLike(batchRef.get(SDIndex.all(), SDIndex.interval(0, 1))); // [B, 1]
      if (n == 1) {
        return perSample;
      }
      SDVariable row = sd.constant("ones_row_" + n, Nd4j.ones(DataType.FLOAT, 1, n));
      return sd.mmul(perSample, row).reshape(-1, 1);
    });
  }

  /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as PyTorch's nn.GELU(); sd.nn.gelu is the sigmoid form. */
  private SDVariable gelu(SDVariable x) {
    return x.mul(0.5).mul(sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0));
  }

  private SDVariable relu(SDVariable x) {
    return sd.nn().relu(x, 0.0);
  }

  private SDVariable param(String key, INDArray init) {
    return sd.var(key, init);
  }

  private INDArray uniform(long[] shape, double bound) {
    return uniform(rng, shape, bound);
  }

  /** U(-bound, bound) from {@code rng}: PyTorch's default init for Linear and conv weights and biases. */
  static INDArray uniform(SplittableRandom rng, long[] shape, double bound) {
    float[] v = new float[Math.toIntExact(numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * bound);
    }
    return Nd4j.create(v, shape, 'c');
  }

  private INDArray normal(long[] shape, double std) {
    float[] v = new float[Math.toIntExact(numel(shape))];
    for (int i = 0; i < v.length; i += 2) {
      // Box-Muller from the private stream, independent of ND4J's global RNG.
      double u1 = 1.0 - rng.nextDouble();
      double u2 = rng.nextDouble();
      double r = Math.sqrt(-2.0 * StrictMath.log(u1));
      v[i] = (float) (std * r * StrictMath.cos(2 * Math.PI * u2));
      if (i + 1 < v.length) {
        v[i + 1] = (float) (std * r * StrictMath.sin(2 * Math.PI * u2));
      }
    }
    return Nd4j.create(v, shape, 'c');
  }

  static long numel(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }
}
