package org.egotune.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void f32RoundTripKeepsNamesShapesOrderAndMetadata() throws IOException {
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put("b.weight", Nd4j.linspace(-1, 1, 24, DataType.FLOAT).reshape(2, 3, 4));
    t.put("a.bias", Nd4j.createFromArray(1.5f, -2.25f));
    t.put("scalar", Nd4j.scalar(3.0f));
    Path f = dir.resolve("x.safetensors");
    Safetensors.write(f, t, Map.of("format", "pt"));
    assertEquals(0, (Files.size(f) - 8 - leLong(Files.readAllBytes(f))) % 4);
    assertEquals(0, leLong(Files.readAllBytes(f)) % 8, "header padded to 8 bytes");
    Safetensors.Contents c = Safetensors.read(f);
    assertEquals(List.copyOf(t.keySet()), List.copyOf(c.tensors().keySet()));
    for (var e : t.entrySet()) {
      assertArrayEquals(e.getValue().shape(), c.tensors().get(e.getKey()).shape(), e.getKey());
      assertEquals(e.getValue(), c.tensors().get(e.getKey()), e.getKey());
    }
    assertEquals(Map.of("format", "pt"), c.metadata());
  }

  @Test
  void integerAndBoolTensorsRoundTripInTheirOwnDtypeBesideFloats() throws IOException {
    Map<String, INDArray> t = new LinkedHashMap<>();
    t.put("w", Nd4j.createFromArray(0.25f, -1.5f, 3f).reshape(3, 1));
    t.put("bn.num_batches_tracked", Nd4j.scalar(DataType.INT64, 12345678901L));
    t.put("mask", Nd4j.createFromArray(new boolean[][] {{true, false, true}, {false, false, true}}));
    t.put("ids", Nd4j.createFromArray(new long[] {-7, 0, Long.MAX_VALUE}));
    t.put("i32", Nd4j.createFromArray(new int[] {Integer.MIN_VALUE, 5}));
    t.put("i16", Nd4j.createFromArray(new short[] {-300, 300}));
    t.put("i8", Nd4j.createFromArray(new byte[] {-128, 127}));
    t.put("u8", Nd4j.createFromArray(new short[] {0, 255}).castTo(DataType.UINT8));
    t.put("u16", Nd4j.createFromArray(new int[] {65535, 1}).castTo(DataType.UINT16));
    t.put("u32", Nd4j.createFromArray(new long[] {4294967295L, 2}).castTo(DataType.UINT32));
    t.put("empty", Nd4j.createFromArray(new long[0]).reshape(0, 3));
    Path f = dir.resolve("mixed.safetensors");
    Safetensors.write(f, t, Map.of());
    String header = new String(Files.readAllBytes(f), 8, (int) leLong(Files.readAllBytes(f)), StandardCharsets.UTF_8);
    for (String dtype : List.of("F32", "I64", "BOOL", "I32", "I16", "I8", "U8", "U16", "U32")) {
      assertTrue(header.contains("\"dtype\":\"" + dtype + "\""), header);
    }
    Map<String, INDArray> back = Safetensors.read(f).tensors();
    assertEquals(List.copyOf(t.keySet()), List.copyOf(back.keySet()));
    for (var e : t.entrySet()) {
      INDArray b = back.get(e.getKey());
      assertEquals(e.getValue().dataType(), b.dataType(), e.getKey());
      assertArrayEquals(e.getValue().shape(), b.shape(), e.getKey());
      assertEquals(e.getValue(), b, e.getKey());
    }
    assertEquals(12345678901L, back.get("bn.num_batches_tracked").getLong(0));
    assertEquals(0, back.get("bn.num_batches_tracked").rank());
    assertEquals(4294967295L, back.get("u32").getLong(0));
    assertEquals(255, back.get("u8").getInt(1));
  }

  @Test
  void readsAPyTorchStyleFileWithI64AndBoolBuffersBesideF32() throws IOException {
    // As torch's save_file lays it out: I64 and BOOL buffers between the weights, written by hand.
    ByteBuffer data = ByteBuffer.allocate(8 + 16 + 3 + 1).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(1.5f).putFloat(-2f).putLong(3).putLong(-1).put((byte) 1).put((byte) 0).put((byte) 1);
    data.put((byte) 200);
    Path f = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"idx\":{\"dtype\":\"I64\",\"shape\":[2,1],\"data_offsets\":[8,24]},"
        + "\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[24,27]},"
        + "\"px\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[27,28]}}", data.array());
    Map<String, INDArray> t = Safetensors.read(f).tensors();
    assertArrayEquals(new float[] {1.5f, -2f}, t.get("w").data().asFloat());
    assertEquals(DataType.INT64, t.get("idx").dataType());
    assertArrayEquals(new long[] {2, 1}, t.get("idx").shape());
    assertArrayEquals(new long[] {3, -1}, t.get("idx").data().asLong());
    assertEquals(Nd4j.createFromArray(true, false, true), t.get("m"));
    assertEquals(DataType.UINT8, t.get("px").dataType());
    assertEquals(200, t.get("px").getInt(0));
    // The layout checks hold for integer tensors as for floats.
    expect("tensor idx: I64 [3, 1] needs 24 bytes but data_offsets span 16",
        file("{\"idx\":{\"dtype\":\"I64\",\"shape\":[3,1],\"data_offsets\":[0,16]}}", new byte[16]));
    expect("tensor m [0, 2) overlaps tensor idx",
        file("{\"idx\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[0,2]},"
            + "\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]));
  }

  @Test
  void readsF64AndF8AsFloat() throws IOException {
    // F8_E4M3: 1.0 = 0x38, -2.0 = 0xC0, max 448 = 0x7E, NaN = 0x7F, smallest subnormal 2^-9 = 0x01.
    // F8_E5M2 (the top byte of F16): 1.0 = 0x3C, -2.0 = 0xC0, max 57344 = 0x7B, +inf = 0x7C.
    ByteBuffer data = ByteBuffer.allocate(16 + 5 + 4).order(ByteOrder.LITTLE_ENDIAN);
    data.putDouble(0.1).putDouble(-3.5);
    data.put(new byte[] {0x38, (byte) 0xC0, 0x7E, 0x7F, 0x01});
    data.put(new byte[] {0x3C, (byte) 0xC0, 0x7B, 0x7C});
    Path f = file("{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
        + "\"e4\":{\"dtype\":\"F8_E4M3\",\"shape\":[5],\"data_offsets\":[16,21]},"
        + "\"e5\":{\"dtype\":\"F8_E5M2\",\"shape\":[4],\"data_offsets\":[21,25]}}", data.array());
    Map<String, INDArray> t = Safetensors.read(f).tensors();
    assertEquals(DataType.FLOAT, t.get("d").dataType());
    assertArrayEquals(new float[] {0.1f, -3.5f}, t.get("d").data().asFloat());
    assertArrayEquals(new float[] {1f, -2f, 448f, Float.NaN, 0x1p-9f}, t.get("e4").data().asFloat());
    assertArrayEquals(new float[] {1f, -2f, 57344f, Float.POSITIVE_INFINITY}, t.get("e5").data().asFloat());
  }

  @Test
  void readsF16AndBf16AsFloat() throws IOException {
    // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 2^-24 = 0x0001.
    // BF16: 1.0 = 0x3F80, -0.5 = 0xBF00.
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF).putShort((short) 0x0001);
    data.putShort((short) 0x3F80).putShort((short) 0xBF00);
    Path f = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}", data.array());
    Map<String, INDArray> t = Safetensors.read(f).tensors();
    assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, t.get("h").data().asFloat());
    assertArrayEquals(new long[] {2, 2}, t.get("h").shape());
    assertArrayEquals(new float[] {1f, -0.5f}, t.get("b").data().asFloat());
    assertEquals(Float.POSITIVE_INFINITY, Safetensors.halfToFloat((short) 0x7C00));
    assertTrue(Float.isNaN(Safetensors.halfToFloat((short) 0x7E00)));
  }

  @Test
  void refusesAHeaderThatLies() throws IOException {
    byte[] eight = new byte[8];
    String ok = "\"dtype\":\"F32\",\"shape\":[2]";
    expect("runs past the end", rawLength(1000, "{}", eight));
    expect("shorter than the 8-byte", write(new byte[3]));
    expect("not valid JSON", file("{\"a\":", eight));
    expect("tensor a: unknown dtype F33", file("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight));
    expect("tensor a: data_offsets [0, 16] are outside the data (8 bytes)",
        file("{\"a\":{" + ok.replace("[2]", "[4]") + ",\"data_offsets\":[0,16]}}", eight));
    expect("tensor a: F32 [3] needs 12 bytes but data_offsets span 8",
        file("{\"a\":{" + ok.replace("[2]", "[3]") + ",\"data_offsets\":[0,8]}}", eight));
    expect("overlaps tensor a",
        file("{\"a\":{" + ok + ",\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight));
    expect("unaccounted bytes", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight));
    expect("tensors cover 4 bytes but the data section has 8",
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight));
    expect("needs dtype", file("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", eight));
    expect("not a list of non-negative integers", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight));
  }

  private void expect(String fragment, Path f) {
    IOException e = assertThrows(IOException.class, () -> Safetensors.read(f));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), "the message names the file: " + e.getMessage());
  }

  private Path file(String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return rawLength(h.length, header, data);
  }

  private Path rawLength(long len, String header, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(len).array());
    out.write(header.getBytes(StandardCharsets.UTF_8));
    out.write(data);
    return write(out.toByteArray());
  }

  private Path write(byte[] bytes) throws IOException {
    Path f = Files.createTempFile(dir, "t", ".safetensors");
    Files.write(f, bytes);
    return f;
  }

  private static long leLong(byte[] b) {
    return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
