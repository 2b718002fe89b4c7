package org.egotune.trainer.loss;

/**
 * The mask terms of the loss on sampled points ({@code maskBce x BCE + dice x Dice}), and their
 * gradient with respect to every pixel logit, computed in plain Java from the logits of a forward
 * pass. The graph then needs only {@code sum(logits * gradient)} to back-propagate it exactly:
 * ND4J M2.1's {@code gather}, which a point read in the graph would need, fails in training
 * ("One of Input arguments was closed before call"), and a dense sampling matrix would not fit
 * at full size (12,544 points x 65,536 pixels per frame).
 *
 * <p>A point's logit is read bilinearly from four pixels ({@link PointSampler}); BCE is the mean over
 * all points of all frames; Dice is {@code 1 - (2 sum(p y) + 1) / (sum(p) + sum(y) + 1)} per frame
 * over its points, summed over frames where the target is present and divided by {@code
 * diceCount} (see {@link SegLoss#diceCount}).
 *
 * @param value the mask terms, weighted
 * @param gradient {@code [N * S * S]} derivative of {@code value} with respect to each pixel logit
 */
public record PointLoss(double value, float[] gradient) {

  /**
   * Computes the point loss of {@code logits} ({@code [N, S, S]} row-major) at {@code points}
   * ({@code k} per frame) with presence labels {@code present} ({@code [N]}).
   */
  public static PointLoss of(float[] logits, PointSampler.Points points, int k, float[] present,
      double diceCount, double bceWeight, double diceWeight) {
    int n = present.length;
    float[] grad = new float[logits.length];
    double value = 0;
    double bceScale = bceWeight / ((double) n * k);
    double[] x = new double[k];
    double[] p = new double[k];
    for (int f = 0; f < n; f++) {
      double inter = 0;
      double sumP = 0;
      double sumY = 0;
      for (int i = 0; i < k; i++) {
        int pt = f * k + i;
        double xi = 0;
        for (int c = 0; c < 4; c++) {
          xi += (double) points.weight()[pt * 4 + c] * logits[points.index()[pt * 4 + c]];
        }
        double y = points.label()[pt];
        x[i] = xi;
        p[i] = 1 / (1 + Math.exp(-xi));
        value += bceScale * (Math.max(xi, 0) - xi * y + Math.log1p(Math.exp(-Math.abs(xi))));
        inter += p[i] * y;
        sumP += p[i];
        sumY += y;
      }
      double diceScale = present[f] > 0 ? diceWeight * present[f] / diceCount : 0;
      double denom = sumP + sumY + 1;
      value += diceScale * (1 - (2 * inter + 1) / denom);
      for (int i = 0; i < k; i++) {
        int pt = f * k + i;
        double y = points.label()[pt];
        double dDiceDp = -(2 * y * denom - (2 * inter + 1)) / (denom * denom);
        double dx = bceScale * (p[i] - y) + diceScale * dDiceDp * p[i] * (1 - p[i]);
        for (int c = 0; c < 4; c++) {
          grad[points.index()[pt * 4 + c]] += (float) (points.weight()[pt * 4 + c] * dx);
        }
      }
    }
    return new PointLoss(value, grad);
  }
}
