package org.egotune.model;

import java.util.SplittableRandom;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code tiny} preset: a small trainable conv backbone on raw frames that produces what SAM2's
 * image encoder would (the image embedding at grid g = S/4 and the two high-resolution maps s0 at
 * S and s1 at S/2, already at the decoder's widths C/8 and C/4), and a hashed-token expression
 * encoder that produces the "[SEG] hidden state", feeding the SAM2 decoder design
 * ({@link Sam2Decoder#attach}) at width {@code channels}. Small enough to train on two CPU cores in
 * a few minutes, yet it has to read the expression: the generated clips hold several objects and
 * only the text says which one is the target, and the text reaches the image only through the
 * decoder's two-way attention, as the [SEG] token does in Sa2VA.
 *
 * <p>Backbone and text weights are named {@code egotune.tiny.*} (SameDiff's conv layout
 * [kH, kW, in, out], dense [in, out]); the decoder's carry Sa2VA's keys.
 */
final class TinySegNet {
  /** Name prefix of the weights that have no Sa2VA counterpart. */
  static final String PREFIX = "egotune.tiny.";

  private TinySegNet() {}

  static SameDiff build(ModelConfig cfg) {
    SameDiff sd = SameDiff.create();
    // Initial weights come from a private seeded stream, not ND4J's global RNG, so that two tasks
    // building networks concurrently get the same values as one process building them alone.
    SplittableRandom rng = new SplittableRandom(cfg.initSeed());
    Sam2DecoderConfig dc = cfg.decoderConfig();
    int c = dc.width();
    int s = cfg.imageSize();
    // Full-resolution convolutions dominate a CPU step, so the first level stays narrow.
    int c0 = Math.max(8, c / 2);
    SDVariable frames = sd.placeHolder(SegModel.FRAMES, DataType.FLOAT, -1, 3, s, s);
    SDVariable tokens = sd.placeHolder(SegModel.TOKENS, DataType.FLOAT, -1, cfg.vocab());

    String b = PREFIX + "backbone.";
    SDVariable f0 = relu(sd, conv(sd, rng, b + "conv0", frames, 3, c0, 3, 1)); // S
    SDVariable f1 = relu(sd, conv(sd, rng, b + "conv1", f0, c0, c, 3, 2)); // S/2
    SDVariable f2 = relu(sd, conv(sd, rng, b + "conv2", f1, c, c, 3, 2)); // S/4 = g
    SDVariable f3 = relu(sd, conv(sd, rng, b + "conv3", f2, c, c, 3, 1));
    // Linear 1x1 projections, like SAM2's neck and its conv_s0 / conv_s1.
    SDVariable image = conv(sd, rng, b + "neck", f3, c, c, 1, 1);
    SDVariable s0 = conv(sd, rng, b + "conv_s0", f0, c0, c / 8, 1, 1);
    SDVariable s1 = conv(sd, rng, b + "conv_s1", f1, c, c / 4, 1, 1);

    String t = PREFIX + "text.";
    SDVariable h = relu(sd, dense(sd, rng, t + "fc1", tokens, cfg.vocab(), dc.promptInDim()));
    SDVariable seg = dense(sd, rng, t + "fc2", h, dc.promptInDim(), dc.promptInDim());

    // A stream of its own for the decoder, so backbone changes never move the decoder's weights.
    Sam2Decoder.attach(sd, dc, cfg.initSeed() ^ 0x7E6A_D0C0_DE5E_ED00L, image, s0, s1, seg);
    sd.identity(SegModel.PRESENCE_LOGIT, sd.getVariable(Sam2Decoder.OBJECT_SCORE_LOGITS));
    return sd;
  }

  private static SDVariable relu(SameDiff sd, SDVariable x) {
    return sd.nn().relu(x, 0.0);
  }

  private static SDVariable conv(SameDiff sd, SplittableRandom rng, String name, SDVariable in,
      int cin, int cout, int k, int stride) {
    SDVariable w = weight(sd, rng, name + ".weight", k, k, cin, cout);
    SDVariable b = sd.var(name + ".bias", Nd4j.zeros(DataType.FLOAT, cout));
    return sd.cnn().conv2d(in, w, b, convConfig(k, stride));
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
    SDVariable w = sd.var(name + ".weight", Nd4j.create(gaussian(rng, nin * nout, std), new long[] {nin, nout}, 'c'));
    SDVariable b = sd.var(name + ".bias", Nd4j.zeros(DataType.FLOAT, 1, nout));
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
