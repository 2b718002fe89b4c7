package org.egotune.trainer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.egotune.model.io.Safetensors;
import org.junit.jupiter.api.Test;

class FeatureDtypeTest {
  /** bfloat16 to float: the bits as a float's top half (exact by definition of the format). */
  static float bf16(int bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /**
   * Independent rounding reference: the nearer of the two neighbours {@code lo < x < hi}, compared in
   * double (exact for these formats), ties to the one whose last bit is 0.
   */
  static int nearest(float x, int loBits, float lo, int hiBits, float hi) {
    double dl = (double) x - lo;
    double dh = (double) hi - x;
    if (dl < dh) {
      return loBits;
    }
    if (dh < dl) {
      return hiBits;
    }
    return (loBits & 1) == 0 ? loBits : hiBits;
  }

  @Test
  void bf16RoundsToNearestEvenAgainstADoubleReference() {
    SplittableRandom rng = new SplittableRandom(17);
    for (int i = 0; i < 200_000; i++) {
      float x = Float.intBitsToFloat(rng.nextInt());
      if (Float.isNaN(x) || Float.isInfinite(x)) {
        continue;
      }
      int lo = Float.floatToRawIntBits(x) >>> 16; // truncation: the neighbour toward zero
      int hi = lo + 1;
      int want = Float.isInfinite(bf16(hi)) && Math.abs(x) <= Float.MAX_VALUE
          ? nearestToInfinity(x, lo) : nearest(Math.abs(x), lo & 0x7fff, Math.abs(bf16(lo)), hi & 0x7fff,
              Math.abs(bf16(hi))) | (lo & 0x8000);
      assertEquals(want, FeatureDtype.toBf16(x) & 0xffff, "bf16 of " + x);
    }
    // Every bf16 value round-trips; every midpoint goes to the even neighbour, just off it to the nearer.
    for (int h = 0; h < 0x7f80; h++) {
      assertEquals(h, FeatureDtype.toBf16(bf16(h)) & 0xffff);
      if (h + 1 == 0x7f80) {
        break; // the top midpoint is nearestToInfinity's case
      }
      float mid = (float) (((double) bf16(h) + bf16(h + 1)) / 2); // 9 significant bits: exact in float
      assertEquals((h & 1) == 0 ? h : h + 1, FeatureDtype.toBf16(mid) & 0xffff, "midpoint above " + h);
      assertEquals(h, FeatureDtype.toBf16(Math.nextDown(mid)) & 0xffff);
      assertEquals(h + 1, FeatureDtype.toBf16(Math.nextUp(mid)) & 0xffff);
    }
    assertEquals(0x7f80, FeatureDtype.toBf16(Float.POSITIVE_INFINITY) & 0xffff);
    assertEquals(0xff80, FeatureDtype.toBf16(Float.NEGATIVE_INFINITY) & 0xffff);
    assertEquals(0x7f80, FeatureDtype.toBf16(Float.MAX_VALUE) & 0xffff, "past the largest bf16: infinity");
    assertEquals(0x8000, FeatureDtype.toBf16(-0f) & 0xffff);
    // A NaN whose payload sits only in the low 16 bits must stay a NaN, not become infinity.
    assertTrue(Float.isNaN(bf16(FeatureDtype.toBf16(Float.intBitsToFloat(0x7f800001)))));
    assertTrue(Float.isNaN(bf16(FeatureDtype.toBf16(Float.NaN))));
  }

  /** Above the largest finite bf16 (0x7f7f): infinity from the midpoint on (ties go to even, 0x7f80). */
  private static int nearestToInfinity(float x, int lo) {
    double mid = ((double) bf16(0x7f7f) + Math.scalb(1.0, 128)) / 2;
    return Math.abs(x) >= mid ? (lo & 0x8000) | 0x7f80 : lo;
  }

  @Test
  void f16KnownBitPatterns() {
    int[][] cases = {
        // float bits, half bits
        {Float.floatToIntBits(1f), 0x3c00},
        {Float.floatToIntBits(-2f), 0xc000},
        {Float.floatToIntBits(0.1f), 0x2e66},
        {Float.floatToIntBits(1f / 3), 0x3555},
        {Float.floatToIntBits(65504f), 0x7bff}, // largest half
        {Float.floatToIntBits(65519.996f), 0x7bff}, // just below the midpoint to infinity
        {Float.floatToIntBits(65520f), 0x7c00}, // the midpoint: ties to even, which is infinity
        {Float.floatToIntBits(1e10f), 0x7c00},
        {Float.floatToIntBits(0x1p-14f), 0x0400}, // smallest normal
        {Float.floatToIntBits(0x1p-24f), 0x0001}, // smallest subnormal
        {Float.floatToIntBits(3 * 0x1p-24f), 0x0003},
        {Float.floatToIntBits(0x1p-25f), 0x0000}, // half the smallest subnormal: tie to even (0)
        {Float.floatToIntBits(1.5f * 0x1p-25f), 0x0001},
        {Float.floatToIntBits(0x1p-26f), 0x0000},
        {Float.floatToIntBits(2.5f * 0x1p-24f), 0x0002}, // subnormal tie to even
        {Float.floatToIntBits(3.5f * 0x1p-24f), 0x0004},
        {Float.floatToIntBits(1023.5f * 0x1p-24f), 0x0400}, // subnormal rounding carries into the normals
        {Float.floatToIntBits(1 + 0x1p-11f), 0x3c00}, // tie between 1 and 1+2^-10: even
        {Float.floatToIntBits(1 + 3 * 0x1p-11f), 0x3c02},
        {Float.floatToIntBits(1 + 0x1p-11f + 0x1p-20f), 0x3c01},
        {Float.floatToIntBits(Float.MIN_VALUE), 0x0000}, // a float subnormal
        {Float.floatToIntBits(-0f), 0x8000},
        {Float.floatToIntBits(Float.POSITIVE_INFINITY), 0x7c00},
        {Float.floatToIntBits(Float.NEGATIVE_INFINITY), 0xfc00},
    };
    for (int[] c : cases) {
      float x = Float.intBitsToFloat(c[0]);
      assertEquals(Integer.toHexString(c[1]), Integer.toHexString(FeatureDtype.toF16(x) & 0xffff), "f16 of " + x);
    }
    for (int nan : new int[] {0x7fc00000, 0x7f800001, 0xffc00000}) {
      int h = FeatureDtype.toF16(Float.intBitsToFloat(nan)) & 0xffff;
      assertTrue((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0, "NaN stays NaN: " + Integer.toHexString(h));
    }
  }

  @Test
  void f16EveryValueRoundTripsAndEveryMidpointGoesToEven() {
    for (int h = 0; h < 0x7c00; h++) {
      float v = Safetensors.halfToFloat((short) h);
      assertEquals(h, FeatureDtype.toF16(v) & 0xffff, "round trip of half " + Integer.toHexString(h));
      assertEquals(h | 0x8000, FeatureDtype.toF16(-v) & 0xffff);
      // Above the largest half (0x7bff) the next step would be 65536: the midpoint to infinity is 65520.
      float next = h + 1 == 0x7c00 ? 65536f : Safetensors.halfToFloat((short) (h + 1));
      float mid = (float) (((double) v + next) / 2); // 12 significant bits: exact in float
      int want = nearest(mid, h, v, h + 1, next);
      assertEquals((h & 1) == 0 ? h : h + 1, want, "the reference agrees on the tie");
      assertEquals(want, FeatureDtype.toF16(mid) & 0xffff, "midpoint above " + Integer.toHexString(h));
      assertEquals(h, FeatureDtype.toF16(Math.nextDown(mid)) & 0xffff);
      assertEquals(h + 1, FeatureDtype.toF16(Math.nextUp(mid)) & 0xffff);
    }
  }

  @Test
  void encodeDecodeWidensExactly() {
    float[] v = {1f, -0.3f, 1e-6f, 3e4f, 0f, 123.456f};
    for (FeatureDtype d : FeatureDtype.values()) {
      byte[] b = d.encode(v);
      assertEquals(v.length * d.bytes(), b.length);
      float[] back = new float[v.length];
      d.decode(ByteBuffer.wrap(b), back);
      float[] want = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        want[i] = switch (d) {
          case F32 -> v[i];
          case BF16 -> bf16(FeatureDtype.toBf16(v[i]));
          case F16 -> Safetensors.halfToFloat(FeatureDtype.toF16(v[i]));
        };
      }
      assertArrayEquals(want, back, d.id());
    }
    // Little-endian: 1.0 in bf16 is 0x3f80, stored 80 3f.
    assertArrayEquals(new byte[] {(byte) 0x80, 0x3f}, FeatureDtype.BF16.encode(new float[] {1f}));
    assertArrayEquals(new byte[] {0x00, 0x3c}, FeatureDtype.F16.encode(new float[] {1f}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FeatureDtype.parse("fp16", "data.featureDtype"));
    assertEquals("data.featureDtype must be one of f32, bf16, f16, found 'fp16'", e.getMessage());
  }
}
