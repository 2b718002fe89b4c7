package org.egotune.model.nn;

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
 * PyTorch layers written out in SameDiff primitives that match PyTorch (SAMEDIFF_NOTES.md: SameDiff's
 * gelu, layerNorm and multi-head attention differ), on rows: activations are 2-D {@code [B*rows, ch]}
 * (channels last) so that linear layers and channel LayerNorms are plain matmuls and row reductions.
 * Parameters are graph variables named by their PyTorch key, in PyTorch's layout, initialised from
 * one private seeded stream, so a network's initial weights depend only on its seed.
 */
public final class TorchLayers {
  /** nn.LayerNorm's default epsilon. */
  public static final double LAYERNORM_EPS = 1e-5;
  /** detectron2 / SAM LayerNorm2d's epsilon. */
  public static final double LAYERNORM2D_EPS = 1e-6;

  private final SameDiff sd;
  private final SplittableRandom rng;
  private final SDVariable batchRef;
  /** Columns of ones [B*n, 1] by n: see {@link #ones}. */
  private final Map<Integer, SDVariable> onesByRows = new HashMap<>();

  /**
   * @param batchRef a 2-D {@code [B, k]} variable computed from the placeholders (no gradient flows
   *     into it), from which the dynamic batch size B is taken
   */
  public TorchLayers(SameDiff sd, long seed, SDVariable batchRef) {
    this.sd = sd;
    this.rng = new SplittableRandom(seed);
    this.batchRef = batchRef;
  }

  public SameDiff sd() {
    return sd;
  }

  /** A trainable variable named {@code key} with initial value {@code init}. */
  public SDVariable param(String key, INDArray init) {
    return sd.var(key, init);
  }

  /** nn.Linear on rows [B*rows, in] with PyTorch's default init, weight [out, in] used transposed. */
  public SDVariable linear(String key, SDVariable x2d, int rows, int in, int out) {
    double bound = 1.0 / Math.sqrt(in);
    SDVariable w = param(key + ".weight", uniform(new long[] {out, in}, bound));
    SDVariable b = param(key + ".bias", uniform(new long[] {out}, bound));
    return linear(x2d, w, b, rows);
  }

  /** {@code x2d W^T + b} for a weight [out, in] and bias [out] (either may be a slice of a fused one). */
  public SDVariable linear(SDVariable x2d, SDVariable w, SDVariable b, int rows) {
    return sd.mmul(x2d, w, false, true, false).add(expandRows(b, rows));
  }

  /**
   * LayerNorm over the columns of rows [B*rows, ch] with its parameters {@code key.weight}, {@code
   * key.bias} (ones, zeros). Written out because SameDiff's layerNorm has no epsilon. ND4J's backward
   * of a broadcast multiply is slow (SAMEDIFF_NOTES: ~100 ms on a [5, 4096, 256] map), so every
   * per-row or per-column factor is expanded to the full shape by an outer-product matmul first, whose
   * backward is a matrix-vector product: scale = rsqrt(var + eps) (per row) times the weight (per
   * column) is one outer product, the bias another. Only the mean subtraction keeps a broadcast (its
   * backward is a cheap row sum).
   */
  public SDVariable layerNorm(String key, SDVariable x2d, int rows, int ch, double eps) {
    SDVariable w = param(key + ".weight", Nd4j.ones(DataType.FLOAT, ch));
    SDVariable b = param(key + ".bias", Nd4j.zeros(DataType.FLOAT, ch));
    return layerNorm(x2d, w, b, rows, ch, eps);
  }

  /** {@link #layerNorm(String, SDVariable, int, int, double)} with existing parameters. */
  public SDVariable layerNorm(SDVariable x2d, SDVariable w, SDVariable b, int rows, int ch, double eps) {
    SDVariable xc = x2d.sub(x2d.mean(true, 1));
    SDVariable inv = sd.math().rsqrt(xc.mul(xc).mean(true, 1).add(eps)); // [B*rows, 1]
    return xc.mul(sd.mmul(inv, w.reshape(1, ch))).add(expandRows(b, rows));
  }

  /**
   * ConvTranspose2d(k=2, stride=2) with PyTorch's [in, out, 2, 2] weight and default init, as matmuls:
   * out[b, 2i+ki, 2j+kj, o] = sum_c x[b, i, j, c] W[c, o, ki, kj] + bias[o]. Input rows are the
   * channels-last pixels of an n x n map; output is NHWC [B, 2n, 2n, out]. One matmul per ki with
   * the weight's columns ordered (kj, o) writes output row 2i+ki directly (j and kj are adjacent), so
   * interleaving the two is a stack: no permute of the large map (a 6-D permute costs more than both
   * matmuls in ND4J), only of the small weight. {@code maps} is the number of n x n maps per sample
   * (1 for images; T for clips of T frames).
   */
  public SDVariable deconv2x2(String key, SDVariable rows, int n, int in, int out, int maps) {
    double bound = 1.0 / Math.sqrt(out * 4.0); // PyTorch's fan_in for ConvTranspose is dim 1 * k * k
    SDVariable w = param(key + ".weight", uniform(new long[] {in, out, 2, 2}, bound));
    SDVariable b = param(key + ".bias", uniform(new long[] {out}, bound));
    return deconv2x2(rows, w, b, n, in, out, maps);
  }

  /** {@link #deconv2x2(String, SDVariable, int, int, int, int)} with existing parameters. */
  public SDVariable deconv2x2(SDVariable rows, SDVariable w, SDVariable b, int n, int in, int out, int maps) {
    SDVariable wp = w.permute(0, 2, 3, 1); // [in, ki, kj, out]
    SDVariable[] half = new SDVariable[2];
    for (int ki = 0; ki < 2; ki++) {
      SDVariable wk = wp.get(SDIndex.all(), SDIndex.point(ki), SDIndex.all(), SDIndex.all()).reshape(in, 2 * out);
      half[ki] = rows.mmul(wk).reshape(-1, n, 2 * n, out); // [b, i, 2j+kj, o]
    }
    SDVariable y = sd.stack(2, half).reshape(-1, out); // [b, i, ki, 2j+kj, o] = rows of [B, 2n, 2n, out]
    return y.add(expandRows(b, maps * 4 * n * n)).reshape(-1, 2 * n, 2 * n, out);
  }

  /**
   * Scaled dot-product attention of projected rows: q [B*nq, inner], k and v [B*nk, inner] ->
   * [B*nq, inner], softmax(q k^T / sqrt(d)) v per head, heads split as PyTorch does (contiguous
   * d = inner / heads groups). SameDiff's multiHeadDotProductAttention has no projection biases.
   */
  public SDVariable attention(SDVariable q, SDVariable k, SDVariable v, int nq, int nk, int heads, int inner) {
    int d = inner / heads;
    SDVariable logits = sd.mmul(heads(q, nq, heads, d), heads(k, nk, heads, d), false, true, false)
        .mul(1.0 / Math.sqrt(d));
    SDVariable att = sd.nn().softmax(logits, 3);
    return sd.mmul(att, heads(v, nk, heads, d)).permute(0, 2, 1, 3).reshape(-1, inner);
  }

  private static SDVariable heads(SDVariable x2d, int n, int h, int d) {
    return x2d.reshape(-1, n, h, d).permute(0, 2, 1, 3);
  }

  /** {@code v} [k] repeated on every row: [B*rows, k], as the outer product ones [B*rows, 1] x v. */
  public SDVariable expandRows(SDVariable v, int rows) {
    return sd.mmul(ones(rows), v.reshape(1, -1));
  }

  /**
   * A column of ones [B*rows, 1] for the graph's dynamic batch B, made from the batch reference so
   * that no gradient flows through it; one per row count.
   */
  public SDVariable ones(int rows) {
    return onesByRows.computeIfAbsent(rows, n -> {
      SDVariable perSample = sd.onesLike(batchRef.get(SDIndex.all(), SDIndex.interval(0, 1))); // [B, 1]
      if (n == 1) {
        return perSample;
      }
      // Unique per graph: two networks built on one graph (a backbone with two heads) each make their own.
      String name = "ones_row_" + n;
      for (int i = 1; sd.hasVariable(name); i++) {
        name = "ones_row_" + n + "_" + i;
      }
      SDVariable row = sd.constant(name, Nd4j.ones(DataType.FLOAT, 1, n));
      return sd.mmul(perSample, row).reshape(-1, 1);
    });
  }

  /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as PyTorch's nn.GELU(); sd.nn.gelu is the sigmoid form. */
  public SDVariable gelu(SDVariable x) {
    return x.mul(0.5).mul(sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0));
  }

  public SDVariable relu(SDVariable x) {
    return sd.nn().relu(x, 0.0);
  }

  /** U(-bound, bound) from this graph's stream: PyTorch's default init for Linear and conv layers. */
  public INDArray uniform(long[] shape, double bound) {
    return uniform(rng, shape, bound);
  }

  /** nn.init.xavier_uniform_: U(+-sqrt(6 / (fan_in + fan_out))), fans as PyTorch computes them. */
  public INDArray xavier(long[] shape) {
    long receptive = 1;
    for (int i = 2; i < shape.length; i++) {
      receptive *= shape[i];
    }
    double fanIn = shape[1] * receptive;
    double fanOut = shape[0] * receptive;
    return uniform(shape, Math.sqrt(6.0 / (fanIn + fanOut)));
  }

  /** N(0, std^2) by Box-Muller from this graph's stream, independent of ND4J's global RNG. */
  public INDArray normal(long[] shape, double std) {
    float[] v = new float[Math.toIntExact(numel(shape))];
    for (int i = 0; i < v.length; i += 2) {
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

  /** U(-bound, bound) from {@code rng}. */
  public static INDArray uniform(SplittableRandom rng, long[] shape, double bound) {
    float[] v = new float[Math.toIntExact(numel(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * bound);
    }
    return Nd4j.create(v, shape, 'c');
  }

  /** Number of elements of {@code shape}. */
  public static long numel(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }
}
