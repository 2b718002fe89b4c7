package org.egotune.trainer.features;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.egotune.model.io.Safetensors;

/**
 * The element type feature shards store: F32 as computed, or BF16 / F16 at half the bytes. Writing
 * rounds each float to the nearest representable value (ties to even); reading widens back to float,
 * which is exact. BF16 keeps F32's range with 8 significant bits; F16 keeps 11 bits but overflows to
 * infinity above 65504 and loses precision below 6.1e-5 (subnormals), which real SAM2 / LLM
 * features stay clear of.
 */
public enum FeatureDtype {
  F32("f32", "F32", 4),
  BF16("bf16", "BF16", 2),
  F16("f16", "F16", 2);

  /** The names {@link #parse} accepts, as the config and the CLI spell them. */
  public static final List<String> IDS = Arrays.stream(values()).map(FeatureDtype::id).toList();

  private final String id;
  private final String safetensors;
  private final int bytes;

  FeatureDtype(String id, String safetensors, int bytes) {
    this.id = id;
    this.safetensors = safetensors;
    this.bytes = bytes;
  }

  /** Name in configs, on the command line and in {@code index.json}: f32, bf16, f16. */
  public String id() {
    return id;
  }

  /** The safetensors dtype name of the shards' tensors: F32, BF16, F16. */
  public String safetensors() {
    return safetensors;
  }

  /** Bytes per stored value. */
  public int bytes() {
    return bytes;
  }

  /** The dtype named {@code id} (f32, bf16, f16); {@code what} names the field in the error. */
  public static FeatureDtype parse(String id, String what) {
    for (FeatureDtype d : values()) {
      if (d.id.equals(id)) {
        return d;
      }
    }
    throw new IllegalArgumentException(what + " must be one of " + String.join(", ", IDS) + ", found '" + id + "'");
  }

  /** {@code v} as little-endian values of this dtype, rounded to nearest even. */
  byte[] encode(float[] v) {
    ByteBuffer out = ByteBuffer.allocate(v.length * bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    switch (this) {
      case F32 -> out.asFloatBuffer().put(v);
      case BF16 -> {
        for (float x : v) {
          out.putShort(toBf16(x));
        }
      }
      case F16 -> {
        for (float x : v) {
          out.putShort(toF16(x));
        }
      }
    }
    return out.array();
  }

  /**
   * Widens the little-endian values of this dtype in {@code in} (from its position to its limit)
   * into {@code out} at 0; {@code in} holds exactly {@code out.length} values.
   */
  void decode(ByteBuffer in, float[] out) {
    ByteBuffer b = in.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    switch (this) {
      case F32 -> b.asFloatBuffer().get(out);
      case BF16 -> {
        // A bulk copy, then a plain array loop: much faster than a ByteBuffer read per value.
        short[] bits = new short[out.length];
        b.asShortBuffer().get(bits);
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat((bits[i] & 0xffff) << 16);
        }
      }
      case F16 -> {
        short[] bits = new short[out.length];
        b.asShortBuffer().get(bits);
        float[] table = HalfTable.VALUES;
        for (int i = 0; i < out.length; i++) {
          out[i] = table[bits[i] & 0xffff];
        }
      }
    }
  }

  /** Every half's float value (256 KB), built on first use: a lookup beats the branches per value. */
  private static final class HalfTable {
    static final float[] VALUES = new float[1 << 16];

    static {
      for (int h = 0; h < VALUES.length; h++) {
        VALUES[h] = Safetensors.halfToFloat((short) h);
      }
    }
  }

  /** bfloat16 bits of {@code f}: its top 16 bits, rounded to nearest even; NaN stays a (quiet) NaN. */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      // Rounding could carry a NaN with only low mantissa bits into infinity; keep it a NaN.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /**
   * IEEE 754 binary16 bits of {@code f}, rounded to nearest even: values past the largest half
   * (65504, after rounding) become infinity, small ones subnormal or signed zero, NaN a quiet NaN.
   */
  static short toF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15; // the half's biased exponent
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal (2^-25): rounds to zero
      }
      // Subnormal: the 24-bit significand (implicit 1 restored) shifted right by 14 - e, rounded.
      int sig = mant | 0x800000;
      int shift = 14 - e;
      int half = sig >>> shift;
      int rest = sig & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) == 1)) {
        half++; // may carry into the smallest normal, which is the right answer
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // a carry into the exponent is right too, up to infinity (0x7c00)
    }
    return (short) (sign | half);
  }
}
