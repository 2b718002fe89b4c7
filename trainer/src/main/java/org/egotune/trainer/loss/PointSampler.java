package org.egotune.trainer.loss;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.egotune.mixer.seed.Seeds;

/**
 * Chooses the points a point-sampled mask loss is computed on, as Mask2Former and SAM2's trainers
 * do: per frame draw {@code oversample x K} uniform candidate points, read the mask logit there by
 * bilinear interpolation, keep the {@code importance x K} most uncertain (uncertainty = -|logit|,
 * the points nearest the decision boundary), and add uniform points for the rest. Labels are read
 * at the same points with the same interpolation.
 *
 * <p>Coordinates are normalised to [0, 1) and read as PyTorch's {@code grid_sample(...,
 * align_corners=False)} with zero padding: pixel {@code (u*S - 0.5, v*S - 0.5)}, a corner outside
 * the image contributes 0. Each point is four (pixel index, weight) pairs into the flattened
 * {@code [N, S, S]} map, so the loss graph reads a point as a weighted gather and gradients reach
 * the four pixels. Draws come from a stream seeded by (stream seed, frame), never a global RNG.
 */
public final class PointSampler {
  /** Stream purpose of the point draws (see {@link Seeds}). */
  static final long POINTS = 0x504f494e5453L;

  private PointSampler() {}

  /**
   * The chosen points of a batch.
   *
   * @param index {@code [N * K * 4]} flat pixel indices into the {@code [N, S, S]} map
   * @param weight {@code [N * K * 4]} bilinear weights (0 for corners outside the image)
   * @param label {@code [N * K]} the target read at each point
   * @param u {@code [N * K]} horizontal coordinate of each point in [0, 1)
   * @param v {@code [N * K]} vertical coordinate of each point in [0, 1)
   */
  public record Points(int[] index, float[] weight, float[] label, double[] u, double[] v) {}

  /**
   * Points for {@code n} frames of side {@code s}: {@code logits} and {@code targets} are row-major
   * {@code [n, s, s]}.
   */
  public static Points sample(float[] logits, float[] targets, int n, int s, int k,
      double oversampleRatio, double importanceRatio, long streamSeed) {
    int uncertain = (int) (importanceRatio * k);
    int candidates = (int) (k * oversampleRatio);
    int[] index = new int[n * k * 4];
    float[] weight = new float[n * k * 4];
    float[] label = new float[n * k];
    double[] u = new double[n * k];
    double[] v = new double[n * k];
    double[] cu = new double[candidates];
    double[] cv = new double[candidates];
    long[] order = new long[candidates];
    int[] ix = new int[4];
    float[] w = new float[4];
    for (int f = 0; f < n; f++) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(streamSeed, POINTS, f));
      int base = f * s * s;
      int p = f * k;
      if (uncertain > 0) {
        for (int c = 0; c < candidates; c++) {
          cu[c] = rng.nextDouble();
          cv[c] = rng.nextDouble();
          corners(cu[c], cv[c], s, ix, w);
          float abs = Math.abs(read(logits, base, ix, w));
          // Non-negative floats order as their bit patterns: sort (|logit|, candidate) as one long,
          // smallest |logit| (most uncertain) first, ties to the earlier candidate.
          order[c] = ((long) Float.floatToIntBits(abs) << 32) | c;
        }
        Arrays.sort(order);
        for (int i = 0; i < uncertain; i++) {
          int c = (int) order[i];
          u[p + i] = cu[c];
          v[p + i] = cv[c];
        }
      }
      for (int i = uncertain; i < k; i++) {
        u[p + i] = rng.nextDouble();
        v[p + i] = rng.nextDouble();
      }
      for (int i = 0; i < k; i++) {
        corners(u[p + i], v[p + i], s, ix, w);
        label[p + i] = read(targets, base, ix, w);
        for (int c = 0; c < 4; c++) {
          index[(p + i) * 4 + c] = base + ix[c];
          weight[(p + i) * 4 + c] = w[c];
        }
      }
    }
    return new Points(index, weight, label, u, v);
  }

  /** The four corners of point (u, v) as in-frame pixel offsets and bilinear weights. */
  private static void corners(double u, double v, int s, int[] ix, float[] w) {
    double x = u * s - 0.5;
    double y = v * s - 0.5;
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    int c = 0;
    for (int dy = 0; dy <= 1; dy++) {
      for (int dx = 0; dx <= 1; dx++) {
        int xx = x0 + dx;
        int yy = y0 + dy;
        double wx = dx == 0 ? 1 - fx : fx;
        double wy = dy == 0 ? 1 - fy : fy;
        boolean inside = xx >= 0 && xx < s && yy >= 0 && yy < s;
        ix[c] = inside ? yy * s + xx : 0;
        w[c] = inside ? (float) (wx * wy) : 0f;
        c++;
      }
    }
  }

  private static float read(float[] map, int base, int[] ix, float[] w) {
    float acc = 0;
    for (int c = 0; c < 4; c++) {
      acc += w[c] * map[base + ix[c]];
    }
    return acc;
  }
}
