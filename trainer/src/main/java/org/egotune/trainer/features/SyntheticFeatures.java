package org.egotune.trainer.features;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.ModelConfig;
import org.egotune.model.text.HashedTokens;
import org.egotune.trainer.data.FeatureSource;
import org.egotune.trainer.data.FrameTensors;
import org.egotune.mixer.seed.Seeds;

/**
 * Synthetic stand-ins for a VideoLLM's features, for tests and demos of the feature presets: a
 * fixed random nonlinear projection of the frame's pixels at each input's resolution (image
 * embedding at grid g, s1 at 2g, s0 at 4g) and of the expression's hashed tokens ([SEG] hidden
 * state). Deterministic per seed. The features carry exactly the information the frames and the
 * text carry (colour per cell, the words), nothing of the masks, so the decoder has to learn the
 * same colour-word grounding the tiny preset learns from frames.
 *
 * <p>For the depth presets the one input is the patch tokens, stored per frame as {@code g*g x D}:
 * token (y, x) is {@code tanh(W phi)} of the frame's {@code f x f} patch at (y, x) of the image
 * box-averaged to the depth output's {@code 4g x 4g} ({@code f = 4}), where phi holds the patch's
 * 3 f^2 pixel values, three cues computed from those pixels (mean saturation, which the fog lowers
 * with distance; luminance standard deviation, the local texture; mean luminance), the patch's
 * position (row and column in [-1, 1], as a ViT's tokens carry theirs) and 1. Nothing of the depth
 * label goes in: a decoder must learn depth from appearance and position.
 */
public final class SyntheticFeatures {
  /** Vocabulary the expression is hashed into before projection. */
  static final int VOCAB = 256;
  /** Per-pixel basis: r, g, b, their squares, their pairwise products, 1. */
  private static final int BASIS = 10;
  /** Depth presets' per-patch cues besides the pixels: saturation, texture, luminance, row, column, 1. */
  private static final int DEPTH_CUES = 6;

  private final ModelConfig model;
  private final Map<String, long[]> shapes;
  private final Map<String, float[]> weights = new LinkedHashMap<>();
  private final long seed;

  public SyntheticFeatures(ModelConfig model, long seed) {
    if (!model.usesFeatures()) {
      throw new IllegalArgumentException("model.preset " + model.preset() + " reads frames, not features");
    }
    this.model = model;
    this.seed = seed;
    this.shapes = FeatureSource.rowShapes(model);
    boolean depth = model.predictsDepth();
    int k = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x46454154L, k++));
      boolean text = FeatureStore.perExpression(e.getKey());
      int channels = (int) (depth ? e.getValue()[2] : e.getValue()[1]);
      int in = text ? VOCAB : depth ? depthBasis(model) : BASIS;
      // Scaled so that the tanh below works mostly in its linear range.
      double std = text ? 1.0 : 0.8 / Math.sqrt(in / 3.0);
      float[] w = new float[channels * in];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (std * gaussian(rng));
      }
      weights.put(e.getKey(), w);
    }
  }

  /** One line for the index: how these features were made. */
  public String describe() {
    return "synthetic (egotune SyntheticFeatures, seed " + seed + ", preset " + model.preset() + ")";
  }

  /** Per-frame inputs of one frame, by input name (row-major, no batch axis). */
  public Map<String, float[]> frame(BufferedImage img) {
    int m = model.maskSize();
    float[] rgb = new float[3 * m * m];
    FrameTensors.imageChw(img, m, rgb, 0);
    Map<String, float[]> out = new LinkedHashMap<>();
    if (model.predictsDepth()) {
      int g = model.depthConfig().grid();
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        out.put(e.getKey(), patchTokens(rgb, m, g, (int) e.getValue()[2], weights.get(e.getKey())));
      }
      return out;
    }
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (FeatureStore.perExpression(e.getKey())) {
        continue;
      }
      int channels = (int) e.getValue()[1];
      int side = (int) e.getValue()[2];
      out.put(e.getKey(), project(rgb, m, side, channels, weights.get(e.getKey())));
    }
    return out;
  }

  /** Per-expression inputs of one expression text, by input name. */
  public Map<String, float[]> expression(String text) {
    float[] tok = HashedTokens.encode(text, VOCAB);
    double norm = 0;
    for (float t : tok) {
      norm += t * t;
    }
    double scale = norm == 0 ? 0 : 1.0 / Math.sqrt(norm);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (!FeatureStore.perExpression(e.getKey())) {
        continue;
      }
      int dim = (int) e.getValue()[1];
      float[] w = weights.get(e.getKey());
      float[] v = new float[dim];
      for (int k = 0; k < dim; k++) {
        double s = 0;
        for (int j = 0; j < VOCAB; j++) {
          s += w[k * VOCAB + j] * tok[j];
        }
        v[k] = (float) Math.tanh(2.0 * s * scale);
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  /** tanh(W phi) per cell of the {@code side x side} box-average of the {@code m x m} RGB image. */
  private static float[] project(float[] rgb, int m, int side, int channels, float[] w) {
    int f = m / side;
    int plane = side * side;
    float[] out = new float[channels * plane];
    double[] phi = new double[BASIS];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double r = 0;
        double g = 0;
        double b = 0;
        for (int dy = 0; dy < f; dy++) {
          for (int dx = 0; dx < f; dx++) {
            int p = (y * f + dy) * m + x * f + dx;
            r += rgb[p];
            g += rgb[p + m * m];
            b += rgb[p + 2 * m * m];
          }
        }
        double n = f * f;
        r /= n;
        g /= n;
        b /= n;
        phi[0] = r;
        phi[1] = g;
        phi[2] = b;
        phi[3] = r * r;
        phi[4] = g * g;
        phi[5] = b * b;
        phi[6] = r * g;
        phi[7] = r * b;
        phi[8] = g * b;
        phi[9] = 1;
        for (int k = 0; k < channels; k++) {
          double s = 0;
          for (int j = 0; j < BASIS; j++) {
            s += w[k * BASIS + j] * phi[j];
          }
          out[k * plane + y * side + x] = (float) Math.tanh(s);
        }
      }
    }
    return out;
  }

  /** Length of a depth preset's per-patch basis: the patch's pixels and {@link #DEPTH_CUES}. */
  private static int depthBasis(ModelConfig model) {
    int f = model.maskSize() / model.depthConfig().grid();
    return 3 * f * f + DEPTH_CUES;
  }

  /**
   * Patch tokens {@code [g*g, dim]} (token-major) of the {@code m x m} RGB image (CHW, [-1, 1]):
   * tanh(W phi) per {@code f x f} patch, phi as the class comment says.
   */
  private static float[] patchTokens(float[] rgb, int m, int g, int dim, float[] w) {
    int f = m / g;
    int plane = m * m;
    int in = 3 * f * f + DEPTH_CUES;
    float[] out = new float[g * g * dim];
    double[] phi = new double[in];
    for (int y = 0; y < g; y++) {
      for (int x = 0; x < g; x++) {
        int j = 0;
        double sat = 0;
        double lum = 0;
        double lum2 = 0;
        for (int dy = 0; dy < f; dy++) {
          for (int dx = 0; dx < f; dx++) {
            int p = (y * f + dy) * m + x * f + dx;
            double r = rgb[p];
            double gr = rgb[p + plane];
            double b = rgb[p + 2 * plane];
            phi[j++] = r;
            phi[j++] = gr;
            phi[j++] = b;
            sat += Math.max(r, Math.max(gr, b)) - Math.min(r, Math.min(gr, b));
            double l = 0.299 * r + 0.587 * gr + 0.114 * b;
            lum += l;
            lum2 += l * l;
          }
        }
        double n = f * f;
        lum /= n;
        phi[j++] = sat / n;
        phi[j++] = Math.sqrt(Math.max(0, lum2 / n - lum * lum));
        phi[j++] = lum;
        phi[j++] = 2 * (y + 0.5) / g - 1;
        phi[j++] = 2 * (x + 0.5) / g - 1;
        phi[j] = 1;
        int o = (y * g + x) * dim;
        for (int c = 0; c < dim; c++) {
          double s = 0;
          for (int i = 0; i < in; i++) {
            s += w[c * in + i] * phi[i];
          }
          out[o + c] = (float) Math.tanh(s);
        }
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }

  /** Where frames come from: encoded bytes of frame {@code i} of a record. */
  @FunctionalInterface
  public interface FrameBytes {
    byte[] read(ClipRecord r, int i) throws IOException;
  }

  /**
   * Generates the features of {@code records} (every frame once, every expression once) into the
   * feature directory {@code dir} of {@code source}, stored as {@code dtype}; returns the index
   * written last.
   */
  public FeatureIndex write(Configuration conf, Path dir, String source, Iterable<ClipRecord> records,
      FrameBytes frames, FeatureDtype dtype, boolean overwrite) throws IOException {
    FeatureShardWriter w = new FeatureShardWriter(conf, dir, model, source, dtype, overwrite, 64L << 20);
    for (ClipRecord r : records) {
      for (int i = 0; i < r.frameNames().size(); i++) {
        if (!w.hasFrame(r.video(), r.frameNames().get(i))) {
          BufferedImage img = FrameTensors.decode(frames.read(r, i), r.source() + "/" + r.video() + "/"
              + r.frameNames().get(i));
          w.addFrame(r.video(), r.frameNames().get(i), frame(img));
        }
      }
      if (!w.hasExpression(r.video(), r.expId())) {
        w.addExpression(r.video(), r.expId(), expression(r.expression()));
      }
    }
    return w.finish(describe());
  }
}
