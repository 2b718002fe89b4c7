package org.egotune.mixer.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks {@link Rle} bit-exactly against vectors computed by an independent implementation of
 * pycocotools' algorithms ({@code src/test/resources/rle/make_fixtures.py}, Python + numpy).
 */
class RleFixturesTest {

  private static JsonNode fixtures() throws IOException {
    try (InputStream in = RleFixturesTest.class.getResourceAsStream("/rle/coco_rle_fixtures.json")) {
      return new ObjectMapper().readTree(in).get("fixtures");
    }
  }

  @TestFactory
  List<DynamicTest> matchesIndependentPycocotoolsVectors() throws IOException {
    JsonNode all = fixtures();
    assertTrue(all.size() >= 20, "fixture count " + all.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode f : all) {
      tests.add(DynamicTest.dynamicTest(f.get("name").asText(), () -> check(f)));
    }
    return tests;
  }

  private static void check(JsonNode f) {
    int h = f.get("height").asInt();
    int w = f.get("width").asInt();
    String bits = f.get("mask").asText();
    boolean[] px = new boolean[h * w];
    for (int i = 0; i < px.length; i++) {
      px[i] = bits.charAt(i) == '1';
    }
    Mask mask = new Mask(h, w, px);
    int[] counts = new int[f.get("counts").size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = f.get("counts").get(i).asInt();
    }
    String string = f.get("string").asText();

    Rle encoded = Rle.encode(mask);
    assertArrayEquals(counts, encoded.counts(), "encode");
    assertEquals(mask, new Rle(h, w, counts).decode(), "decode");
    assertEquals(string, encoded.toCompressedString(), "toCompressedString");
    assertArrayEquals(counts, Rle.fromCompressedString(h, w, string).counts(), "fromCompressedString");
    assertEquals(f.get("area").asLong(), encoded.area(), "area");
  }
}
