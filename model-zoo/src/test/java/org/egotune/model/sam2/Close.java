package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Named numeric comparison (shared by the parity tests): shape first, then |actual - expected| <= atol + rtol |expected| everywhere. */
public final class Close {
  private Close() {}

  /**
   * The worst element of a comparison: absolute error, and absolute error over the largest expected
   * magnitude (elementwise relative error is meaningless next to values that cross zero).
   */
  public record Error(double maxAbs, double maxScaled) {}

  public static Error assertClose(String what, INDArray expected, INDArray actual, double rtol, double atol) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    float[] e = expected.castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] a = actual.castTo(DataType.FLOAT).dup('c').data().asFloat();
    double maxAbs = 0;
    double scale = 0;
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < e.length; i++) {
      double d = Math.abs((double) a[i] - e[i]);
      maxAbs = Math.max(maxAbs, d);
      scale = Math.max(scale, Math.abs(e[i]));
      double excess = d - (atol + rtol * Math.abs(e[i]));
      if (excess > worstExcess || Double.isNaN(d)) {
        worstExcess = Double.isNaN(d) ? Double.POSITIVE_INFINITY : excess;
        worst = i;
      }
    }
    if (worst >= 0) {
      assertTrue(false, what + ": element " + worst + " of " + Arrays.toString(expected.shape())
          + " is " + a[worst] + ", expected " + e[worst] + " (rtol " + rtol + ", atol " + atol
          + "; max abs error " + maxAbs + ")");
    }
    return new Error(maxAbs, scale == 0 ? maxAbs : maxAbs / scale);
  }
}
