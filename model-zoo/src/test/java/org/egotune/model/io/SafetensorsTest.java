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
