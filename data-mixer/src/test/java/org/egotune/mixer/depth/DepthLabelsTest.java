package org.egotune.mixer.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.egotune.mixer.reader.DatasetFormatException;
import org.junit.jupiter.api.Test;

/** The .npy label format against NumPy's own files (fixtures by make_fixtures.py), and resampling by hand. */
class DepthLabelsTest {
  private static final float[] MAP = {0f, 0.25f, 0.5f, 0.75f, 1f, 0.125f};

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = DepthLabelsTest.class.getResourceAsStream("/depth/" + name)) {
      return in.readAllBytes();
    }
  }

  private static String error(byte[] bytes, int h, int w) {
    return assertThrows(DatasetFormatException.class, () -> DepthLabels.readNpy("d.npy", bytes, h, w))
        .getMessage();
  }

  @Test
  void readsNumpysFileAndWritesTheSameBytes() throws IOException {
    byte[] numpy = fixture("map_2x3.npy");
    assertArrayEquals(MAP, DepthLabels.readNpy("map_2x3.npy", numpy, 2, 3));
    assertArrayEquals(numpy, DepthLabels.toNpy(MAP, 2, 3));
    assertArrayEquals(MAP, DepthLabels.fromShardBytes(DepthLabels.toShardBytes(MAP), 2, 3));
  }

  @Test
  void badLabelsNameTheFileAndTheProblem() throws IOException {
    assertEquals("d.npy: depth map shape is (2,3), expected (3, 2): the frame's height x width",
        error(fixture("map_2x3.npy"), 3, 2));
    assertEquals("d.npy: dtype is '<f8', expected float32 '<f4' (save with d.astype('<f4'))",
        error(fixture("map_2x3_f8.npy"), 2, 3));
    assertEquals("d.npy: fortran_order is True, expected C order", error(fixture("map_2x3_fortran.npy"), 2, 3));
    assertEquals("d.npy: inverse depth at row 0, column 1 is above 1 (10.0); expected normalised inverse"
        + " depth in [0, 1], 0 = no label", error(fixture("map_2x3_raw.npy"), 2, 3));
    float[] nan = MAP.clone();
    nan[4] = Float.NaN;
    assertTrue(error(DepthLabels.toNpy(nan, 2, 3), 2, 3).startsWith("d.npy: inverse depth at row 1, column 1"
        + " is NaN (NaN)"));
    float[] negative = MAP.clone();
    negative[5] = -0.5f;
    assertTrue(error(DepthLabels.toNpy(negative, 2, 3), 2, 3).startsWith("d.npy: inverse depth at row 1,"
        + " column 2 is negative (-0.5)"));
    byte[] good = fixture("map_2x3.npy");
    assertEquals("d.npy: holds 20 data bytes, expected 24 for a 2x3 float32 map (truncated?)",
        error(Arrays.copyOf(good, good.length - 4), 2, 3));
    assertTrue(error("PNG....not npy".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 2, 3)
        .startsWith("d.npy: not a NumPy .npy file"));
  }

  @Test
  void areaResamplingDownByAnIntegerFactorIsAveragePoolingOverValidPixels() {
    float[] m = {
        0.1f, 0.2f, 0.5f, 0.5f,
        0.3f, 0.4f, 0.5f, 0f,
        0f, 0f, 0.8f, 0.6f,
        0f, 0f, 0.4f, 0.2f};
    // cells: mean(.1 .2 .3 .4) = .25; mean(.5 .5 .5), the 0 being unlabelled; no valid pixel -> 0;
    // mean(.8 .6 .4 .2) = .5
    assertArrayEquals(new float[] {0.25f, 0.5f, 0f, 0.5f}, DepthLabels.resample(m, 4, 4, 2, 2), 1e-7f);
  }

  @Test
  void areaResamplingWeighsFractionalOverlaps() {
    float[] m = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f};
    float[] down = DepthLabels.resample(m, 3, 3, 2, 2);
    // cell (0,0) covers [0, 1.5)^2: weights 1, 0.5 per axis
    // (1*.1 + .5*.2 + .5*.4 + .25*.5) / 2.25 = .525 / 2.25
    assertEquals(0.525 / 2.25, down[0], 1e-7);
    // cell (1,1) mirrors it: (1*.9 + .5*.8 + .5*.6 + .25*.5) / 2.25
    assertEquals(1.725 / 2.25, down[3], 1e-7);
    float[] up = DepthLabels.resample(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 2, 2, 3, 3);
    // up-sampling: corner cells lie inside one input pixel; the middle cell covers all four equally
    assertEquals(0.1f, up[0], 1e-7);
    assertEquals(0.4f, up[8], 1e-7);
    assertEquals(0.15f, up[1], 1e-7); // x [2/3, 4/3) across pixels 0 and 1 of row 0
    assertEquals(0.25f, up[4], 1e-7);
  }

  @Test
  void egoDtmResamplingOf224IsFourByFourBlockMeans() {
    float[] m = new float[224 * 224];
    for (int i = 0; i < m.length; i++) {
      m[i] = ((i * 7919) % 1000) / 1000f; // includes zeros, which are left out
    }
    float[] out = DepthLabels.resampleToEgoDtm(m, 224, 224);
    assertEquals(56 * 56, out.length);
    int oy = 13;
    int ox = 41;
    double sum = 0;
    int n = 0;
    for (int y = 4 * oy; y < 4 * oy + 4; y++) {
      for (int x = 4 * ox; x < 4 * ox + 4; x++) {
        if (m[y * 224 + x] > 0) {
          sum += m[y * 224 + x];
          n++;
        }
      }
    }
    assertEquals(sum / n, out[oy * 56 + ox], 1e-6);
  }
}
