package org.egotune.model.depth;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mask2Former's video sine position encoding of a [T, g, g] memory (the release builds it as
 * {@code pe_layer} and never calls it; {@link DepthHeadConfig#memoryPositionEncoding()} adds it to the
 * keys). With f = C/2 features per spatial axis, positions 1..n scaled to (0, 2 pi] by n + 1e-6:
 * channels [0, f) encode y and [f, C) encode x, sin at even and cos at odd channels, frequency
 * 10000^(2 floor(k/2) / f); the frame index t is encoded the same way over all C channels with
 * 10000^(2 floor(k/2) / C) and added.
 */
final class SinePosition3d {
  private SinePosition3d() {}

  /** The encoding as [T*g*g, C], rows frame-major (t, y, x). */
  static INDArray encode(int frames, int grid, int c) {
    int f = c / 2;
    double[][] ey = axis(grid, f);
    double[][] et = axis(frames, c);
    float[] out = new float[frames * grid * grid * c];
    int i = 0;
    for (int t = 0; t < frames; t++) {
      for (int y = 0; y < grid; y++) {
        for (int x = 0; x < grid; x++) {
          for (int k = 0; k < c; k++) {
            double v = k < f ? ey[y][k] : ey[x][k - f];
            out[i++] = (float) (v + et[t][k]);
          }
        }
      }
    }
    return Nd4j.create(out, new long[] {(long) frames * grid * grid, c}, 'c');
  }

  /** [n][features]: sin/cos of position (j+1)/(n+eps)*2pi over the frequency ladder. */
  private static double[][] axis(int n, int features) {
    double[][] e = new double[n][features];
    for (int j = 0; j < n; j++) {
      // float32 as in PyTorch: the scaled position is rounded before the division by the frequency.
      float pos = (float) ((j + 1) / (n + 1e-6f) * (2 * Math.PI));
      for (int k = 0; k < features; k++) {
        float freq = (float) Math.pow(10000.0, 2.0 * (k / 2) / features);
        double a = pos / freq;
        e[j][k] = k % 2 == 0 ? Math.sin(a) : Math.cos(a);
      }
    }
    return e;
  }
}
