package org.egotune.model;

import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code tiny} preset: a small conv backbone whose mid-level features are modulated by the
 * expression (FiLM: per-channel scale and shift computed from the hashed tokens), a U-Net-style
 * skip to full resolution for the mask head, and a pooled presence head. Small enough to train on
 * two CPU cores in a few minutes, yet it has to read the expression: the generated clips hold
 * several objects and only the text says which one is the target.
 */
final class TinySegNet {
  private TinySegNet() {}

  static SameDiff build(ModelConfig cfg) {
    SameDiff sd = SameDiff.create();
    // Initial weights come from a private seeded stream, not ND4J's global RNG, so that two tasks
    // building networks concurrently get the same values as one process building them alone.
    SplittableRandom rng = new SplittableRandom(cfg.initSeed());
    int c = cfg.channels();
    // The full-resolution layers are the expensive ones (ND4J's conv2d backward dominates a step),
    // so they stay narrow: c/3 channels.
    int c1 = Math.max(4, c / 3);
    SDVariable frames = sd.placeHolder(SegModel.FRAMES, DataType.FLOAT, -1, 3, cfg.imageSize(), cfg.imageSize());
    SDVariable tokens = sd.placeHolder(SegModel.TOKENS, DataType.FLOAT, -1, cfg.vocab());

    SDVariable f1 = relu(sd, conv(sd, rng, "conv1", frames, 3, c1, 1));
    SDVariable f2 = relu(sd, conv(sd, rng, "conv2", f1, c1, c, 2));
    SDVariable f3 = relu(sd, conv(sd, rng, "conv3", f2, c, c, 1));

    SDVariable t = relu(sd, dense(sd, rng, "text1", tokens, cfg.vocab(), c));
    SDVariable gamma = dense(sd, rng, "film_gamma", t, c, c).reshape(-1, c, 1, 1);
    SDVariable beta = dense(sd, rng, "film_beta", t, c, c).reshape(-1, c, 1, 1);
    SDVariable film = relu(sd, f3.mul(gamma.add(1.0)).add(beta));

    SDVariable f4 = relu(sd, conv(sd, rng, "conv4", film, c, c, 1));
    SDVariable up = sd.cnn().upsampling2d(f4, 2, 2, true);
    SDVariable cat = sd.concat(1, up, f1);
    SDVariable f5 = relu(sd, conv(sd, rng, "conv5", cat, c + c1, c1, 1));
    SDVariable maskW = weight(sd, rng, "mask_head_w", 1, 1, c1, 1);
    SDVariable maskB = sd.var("mask_head_b", Nd4j.zeros(DataType.FLOAT, 1));
    sd.cnn().conv2d(SegModel.MASK_LOGITS, f5, maskW, maskB, convConfig(1, 1));

    SDVariable pooled = sd.concat(1, f4.max(2, 3), f4.mean(2, 3));
    dense(sd, rng, "presence_head", pooled, 2 * c, 1).rename(SegModel.PRESENCE_LOGIT);
    return sd;
  }

  private static SDVariable relu(SameDiff sd, SDVariable x) {
    return sd.nn().relu(x, 0.0);
  }

  private static SDVariable conv(
      SameDiff sd, SplittableRandom rng, String name, SDVariable in, int cin, int cout, int stride) {
    SDVariable w = weight(sd, rng, name + "_w", 3, 3, cin, cout);
    SDVariable b = sd.var(name + "_b", Nd4j.zeros(DataType.FLOAT, cout));
    return sd.cnn().conv2d(in, w, b, convConfig(3, stride));
  }

  private static Conv2DConfig convConfig(int k, int stride) {
    return Conv2DConfig.builder()
        .kH(k)
        .kW(k)
        .sH(stride)
        .sW(stride)
        .paddingMode(PaddingMode.SAME)
        .dataFormat("NCHW")
        .build();
  }

  /** He-normal conv weight in SameDiff's default [kH, kW, in, out] layout. */
  private static SDVariable weight(
      SameDiff sd, SplittableRandom rng, String name, int kh, int kw, int cin, int cout) {
    double std = Math.sqrt(2.0 / (kh * kw * cin));
    return sd.var(name, Nd4j.create(gaussian(rng, kh * kw * cin * cout, std), new long[] {kh, kw, cin, cout}, 'c'));
  }

  private static SDVariable dense(
      SameDiff sd, SplittableRandom rng, String name, SDVariable in, int nin, int nout) {
    double std = Math.sqrt(2.0 / nin);
    SDVariable w = sd.var(name + "_w", Nd4j.create(gaussian(rng, nin * nout, std), new long[] {nin, nout}, 'c'));
    SDVariable b = sd.var(name + "_b", Nd4j.zeros(DataType.FLOAT, 1, nout));
    return in.mmul(w).add(b);
  }

  private static float[] gaussian(SplittableRandom rng, int n, double std) {
    float[] out = new float[n];
    for (int i = 0; i < n; i += 2) {
      // Box-Muller: two normals per pair of uniforms, independent of any platform RNG.
      double u1 = 1.0 - rng.nextDouble();
      double u2 = rng.nextDouble();
      double r = Math.sqrt(-2.0 * StrictMath.log(u1));
      out[i] = (float) (std * r * StrictMath.cos(2 * Math.PI * u2));
      if (i + 1 < n) {
        out[i + 1] = (float) (std * r * StrictMath.sin(2 * Math.PI * u2));
      }
    }
    return out;
  }
}
