package org.egotune.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}}, then the
 * raw little-endian tensor bytes, offsets relative to the end of the header. A header that lies is
 * refused with the tensor and numbers named: the checks are those of the reference Rust
 * implementation (offsets must tile the data exactly).
 *
 * <p>Every tensor of a valid file is read, so real PyTorch checkpoints (which carry integer buffers
 * and boolean masks beside their weights) load: floating dtypes (F64, F32, F16, BF16, F8_E5M2,
 * F8_E4M3) become FLOAT arrays; integer and boolean tensors keep their type ({@link #DTYPES}: I64 as
 * LONG, BOOL as BOOL, U8 as UBYTE, ...), and a caller that wants floats casts. Writing is the inverse:
 * floating arrays are written as F32, integer and boolean arrays in their own dtype.
 */
public final class Safetensors {
  /** The reference implementation refuses headers above 100 MB; so do we, before allocating. */
  static final long MAX_HEADER = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Floating dtypes: read as FLOAT. */
  private static final List<String> FLOATS = List.of("F64", "F32", "F16", "BF16", "F8_E5M2", "F8_E4M3");

  /** Integer and boolean dtypes with the ND4J type they are read as (and written from). */
  static final Map<String, DataType> DTYPES = Map.of(
      "I8", DataType.INT8, "U8", DataType.UINT8, "I16", DataType.INT16, "U16", DataType.UINT16,
      "I32", DataType.INT32, "U32", DataType.UINT32, "I64", DataType.INT64, "U64", DataType.UINT64,
      "BOOL", DataType.BOOL);

  private Safetensors() {}

  /**
   * Where one tensor's bytes are: {@code [begin, end)} relative to the data section.
   *
   * @param dtype the safetensors dtype name (F32, BF16, ...)
   */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  /**
   * A checked header: the data section starts at byte {@code dataStart} of the file; the tensors in
   * data order, by name; the {@code __metadata__} (empty when absent).
   */
  public record Layout(long dataStart, Map<String, Entry> tensors, Map<String, String> metadata) {}

  /**
   * The header length stored in a file's first 8 bytes, checked against the file's {@code size}:
   * fails naming {@code file} when it runs past the end or is outside [2, 100 MB].
   */
  public static long headerLength(String file, long headerLen, long size) throws IOException {
    if (size < 8) {
      throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
    }
    if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
      throw bad(file, "header length " + headerLen + " runs past the end of the file (" + size
          + " bytes) or is outside [2, " + MAX_HEADER + "]");
    }
    return headerLen;
  }

  /**
   * Parses and checks the JSON header {@code header} of a file of {@code size} bytes (the checks of
   * {@link #read}); {@code file} names it in errors. For readers that fetch tensors one by one.
   */
  public static Layout layout(String file, byte[] header, long size) throws IOException {
    long dataStart = 8L + header.length;
    List<Entry> headers = new ArrayList<>();
    Map<String, String> metadata = parseHeader(file, new String(header, StandardCharsets.UTF_8), headers);
    checkLayout(file, headers, size - dataStart);
    Map<String, Entry> byName = new LinkedHashMap<>();
    for (Entry h : headers) {
      byName.put(h.name, h);
    }
    return new Layout(dataStart, Collections.unmodifiableMap(byName), metadata);
  }

  /** A file's tensors (in data order) and its {@code __metadata__} (empty when absent). */
  public record Contents(Map<String, INDArray> tensors, Map<String, String> metadata) {}

  /**
   * Reads every tensor of {@code file} in PyTorch's (C) order: floating dtypes as FLOAT, integer and
   * boolean ones in their own type (see the class comment).
   */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (size >= 8) {
        readFully(ch, lenBuf, 0);
      }
      long headerLen = headerLength(file.toString(), size >= 8 ? lenBuf.flip().getLong() : 0, size);
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      Layout layout = layout(file.toString(), hb.array(), size);
      Map<String, INDArray> tensors = new LinkedHashMap<>();
      for (Entry h : layout.tensors().values()) {
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(h.end - h.begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, data, layout.dataStart() + h.begin);
        data.flip();
        tensors.put(h.name, toArray(h, data));
      }
      Map<String, String> metadata = layout.metadata();
      return new Contents(Collections.unmodifiableMap(tensors), metadata);
    }
  }

  /**
   * Reads {@code file} and hands its tensors to {@code load} (a model's strict by-name loader); a
   * mismatch the loader reports (IllegalArgumentException) is rethrown with the file named first.
   */
  public static void loadInto(Path file, java.util.function.Consumer<Map<String, INDArray>> load) throws IOException {
    Contents c = read(file);
    try {
      load.accept(c.tensors());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a PyTorch-named state dict as F32 safetensors with {@code format: pt} and one config entry. */
  public static void writeStateDict(Path file, Map<String, INDArray> tensors, String configKey, String config)
      throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put(configKey, config);
    write(file, tensors, meta);
  }

  /**
   * Writes {@code tensors} in map order, with {@code metadata} as {@code __metadata__}: floating arrays
   * as F32, integer and boolean arrays in their own dtype (the inverse of {@link #read}). The header
   * is padded with spaces to a multiple of 8 bytes so that the data is aligned, as the reference
   * writer does.
   */
  public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata)
      throws IOException {
    List<Raw> raw = new ArrayList<>();
    for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
      String dtype = dtypeOf(e.getKey(), e.getValue());
      raw.add(new Raw(e.getKey(), dtype, e.getValue().shape(), bytesOf(e.getValue(), dtype)));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      write(out, raw, metadata);
    }
  }

  /**
   * One tensor already encoded: {@code data} holds its elements in C order as little-endian
   * {@code dtype} bytes ({@code dtype} is a safetensors name: F32, BF16, F16, I64, ...).
   */
  public record Raw(String name, String dtype, long[] shape, byte[] data) {
    public Raw {
      long want = bytesPer(dtype);
      if (want < 0) {
        throw new IllegalArgumentException("tensor " + name + ": unknown dtype " + dtype);
      }
      for (long d : shape) {
        want *= d;
      }
      if (data.length != want) {
        throw new IllegalArgumentException("tensor " + name + ": " + dtype + " " + Arrays.toString(shape)
            + " needs " + want + " bytes, got " + data.length);
      }
      if ("__metadata__".equals(name)) {
        throw new IllegalArgumentException("a tensor cannot be named __metadata__");
      }
    }
  }

  /**
   * Writes encoded tensors in list order to {@code out} (not closed), with {@code metadata} as
   * {@code __metadata__}; the header is padded with spaces to a multiple of 8 bytes as in {@link
   * #write(Path, Map, Map)}.
   */
  public static void write(OutputStream out, List<Raw> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Raw r : tensors) {
      ObjectNode t = header.putObject(r.name());
      t.put("dtype", r.dtype());
      var shape = t.putArray("shape");
      for (long s : r.shape()) {
        shape.add(s);
      }
      long n = r.data().length;
      t.putArray("data_offsets").add(offset).add(offset + n);
      offset += n;
    }
    if (header.size() != tensors.size() + (header.has("__metadata__") ? 1 : 0)) {
      throw new IllegalArgumentException("tensor names must be unique");
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] hb = Arrays.copyOf(json, padded);
    Arrays.fill(hb, json.length, padded, (byte) ' ');
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
    out.write(hb);
    for (Raw r : tensors) {
      out.write(r.data());
    }
  }

  /** The safetensors dtype {@code a} is written as: F32 for floating arrays, else its own. */
  private static String dtypeOf(String name, INDArray a) {
    if (a.dataType().isFPType()) {
      return "F32";
    }
    for (Map.Entry<String, DataType> d : DTYPES.entrySet()) {
      if (d.getValue() == a.dataType()) {
        return d.getKey();
      }
    }
    throw new IllegalArgumentException("tensor " + name + ": " + a.dataType() + " has no safetensors dtype");
  }

  /** {@code a}'s elements in C order as little-endian {@code dtype} bytes. */
  private static byte[] bytesOf(INDArray a, String dtype) {
    if ("F32".equals(dtype)) {
      float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
      ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bb.asFloatBuffer().put(v);
      return bb.array();
    }
    // Integers and booleans, through their 64-bit value (unsigned 64-bit: its bit pattern).
    long[] v = a.castTo(DataType.INT64).dup('c').data().asLong();
    int w = (int) bytesPer(dtype);
    ByteBuffer bb = ByteBuffer.allocate(v.length * w).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      for (int k = 0; k < w; k++) {
        bb.put((byte) (x >>> (8 * k)));
      }
    }
    return bb.array();
  }

    private static Map<String, String> parseHeader(String file, String text, List<Entry> out) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(text.strip());
    } catch (JsonProcessingException e) {
      throw bad(file, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if ("__metadata__".equals(name)) {
        if (!v.isObject()) {
          throw bad(file, "__metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw bad(file, "__metadata__ value of " + kv.getKey() + " is not a string");
          }
          metadata.put(kv.getKey(), kv.getValue().asText());
        }
        continue;
      }
      JsonNode dtype = v.get("dtype");
      JsonNode shape = v.get("shape");
      JsonNode offs = v.get("data_offsets");
      if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offs == null
          || !offs.isArray() || offs.size() != 2) {
        throw bad(file, "tensor " + name + ": needs dtype (string), shape (array) and data_offsets ([begin, end])");
      }
      if (bytesPer(dtype.asText()) < 0) {
        throw bad(file, "tensor " + name + ": unknown dtype " + dtype.asText());
      }
      long[] dims = new long[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
          throw bad(file, "tensor " + name + ": shape " + shape + " is not a list of non-negative integers");
        }
        dims[i] = shape.get(i).asLong();
      }
      if (!offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong()) {
        throw bad(file, "tensor " + name + ": data_offsets " + offs + " are not integers");
      }
      out.add(new Entry(name, dtype.asText(), dims, offs.get(0).asLong(), offs.get(1).asLong()));
    }
    return Collections.unmodifiableMap(metadata);
  }

  /** Offsets in range, sizes matching dtype x shape, and tiling the data with no overlap or gap. */
  private static void checkLayout(String file, List<Entry> headers, long dataLen) throws IOException {
    for (Entry h : headers) {
      if (h.begin < 0 || h.end < h.begin || h.end > dataLen) {
        throw bad(file, "tensor " + h.name + ": data_offsets [" + h.begin + ", " + h.end
            + "] are outside the data (" + dataLen + " bytes)");
      }
      long expected = bytesPer(h.dtype);
      try {
        for (long d : h.shape) {
          expected = Math.multiplyExact(expected, d);
        }
      } catch (ArithmeticException e) {
        throw bad(file, "tensor " + h.name + ": shape " + Arrays.toString(h.shape)
            + " has more elements than a file can hold");
      }
      if (h.end - h.begin != expected) {
        throw bad(file, "tensor " + h.name + ": " + h.dtype + " " + Arrays.toString(h.shape) + " needs "
            + expected + " bytes but data_offsets span " + (h.end - h.begin));
      }
      if (expected > Integer.MAX_VALUE - 8) {
        throw bad(file, "tensor " + h.name + " has " + expected + " bytes; tensors over 2 GiB are not supported");
      }
    }
    headers.sort(Comparator.comparingLong((Entry h) -> h.begin).thenComparingLong(h -> h.end));
    long pos = 0;
    String prev = null;
    for (Entry h : headers) {
      if (h.begin < pos) {
        throw bad(file, "tensor " + h.name + " [" + h.begin + ", " + h.end + ") overlaps tensor " + prev
            + " which ends at " + pos);
      }
      if (h.begin > pos) {
        throw bad(file, "tensor " + h.name + " starts at " + h.begin + " but the previous data ends at "
            + pos + ": unaccounted bytes");
      }
      pos = h.end;
      prev = h.name;
    }
    if (pos != dataLen) {
      throw bad(file, "tensors cover " + pos + " bytes but the data section has " + dataLen);
    }
  }

  private static INDArray toArray(Entry h, ByteBuffer data) {
    int n = Math.toIntExact((h.end - h.begin) / bytesPer(h.dtype));
    if (FLOATS.contains(h.dtype)) {
      float[] v = new float[n];
      if ("F32".equals(h.dtype)) {
        data.asFloatBuffer().get(v);
      } else {
        for (int i = 0; i < n; i++) {
          v[i] = switch (h.dtype) {
            case "F64" -> (float) data.getDouble(8 * i);
            case "F16" -> halfToFloat(data.getShort(2 * i));
            case "BF16" -> Float.intBitsToFloat((data.getShort(2 * i) & 0xffff) << 16);
            case "F8_E5M2" -> halfToFloat((short) ((data.get(i) & 0xff) << 8)); // F16's top byte
            default -> e4m3ToFloat(data.get(i));
          };
        }
      }
      return h.shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, h.shape, 'c');
    }
    // Integers and booleans: through the narrowest signed Java array that holds every value, then
    // cast to the ND4J type (exact, as every value fits it); U64 keeps its bit pattern.
    INDArray flat = switch (h.dtype) {
      case "BOOL" -> {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = data.get(i) != 0;
        }
        yield Nd4j.createFromArray(v);
      }
      case "I8" -> {
        byte[] v = new byte[n];
        data.get(v);
        yield Nd4j.createFromArray(v);
      }
      case "U8", "I16" -> {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
          v[i] = "U8".equals(h.dtype) ? (short) (data.get(i) & 0xff) : data.getShort(2 * i);
        }
        yield Nd4j.createFromArray(v);
      }
      case "U16", "I32" -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = "U16".equals(h.dtype) ? data.getShort(2 * i) & 0xffff : data.getInt(4 * i);
        }
        yield Nd4j.createFromArray(v);
      }
      default -> { // U32, I64, U64
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = "U32".equals(h.dtype) ? data.getInt(4 * i) & 0xffffffffL : data.getLong(8 * i);
        }
        yield Nd4j.createFromArray(v);
      }
    };
    return flat.castTo(DTYPES.get(h.dtype)).reshape('c', h.shape);
  }

  /** OCP float8 E4M3 ("e4m3fn": bias 7, no infinities, NaN when every exponent and mantissa bit is set). */
  static float e4m3ToFloat(byte bits) {
    int exp = (bits >>> 3) & 0xf;
    int mant = bits & 0x7;
    float f;
    if (exp == 0xf && mant == 0x7) {
      f = Float.NaN;
    } else if (exp == 0) {
      f = mant * 0x1p-9f; // subnormal: mant/8 x 2^-6
    } else {
      f = Math.scalb(1 + mant / 8f, exp - 7);
    }
    return bits < 0 ? -f : f;
  }

  /** IEEE 754 binary16 to float, subnormals, infinities and NaN included. */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float f = mant * 0x1p-24f; // subnormal: mant x 2^-24, exact in float
      return sign == 0 ? f : -f;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Bytes per element of a safetensors dtype, or -1 when the name is not a safetensors dtype. */
  private static long bytesPer(String dtype) {
    return switch (dtype) {
      case "F64", "I64", "U64" -> 8;
      case "F32", "I32", "U32" -> 4;
      case "F16", "BF16", "I16", "U16" -> 2;
      case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
      default -> -1;
    };
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + p);
      }
      p += n;
    }
  }

  private static IOException bad(String file, String what) {
    return new IOException("invalid safetensors file " + file + ": " + what);
  }
}
