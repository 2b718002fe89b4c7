package org.egotune.mixer.visor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link VisorRaster} against label maps drawn by OpenCV 4.6's {@code cv2.fillPoly} the way
 * VISOR's tools call it ({@code src/test/resources/visor/make_raster_fixtures.py}): pixel for
 * pixel, for every named edge case and 300 random objects.
 */
class VisorRasterFixturesTest {

  static JsonNode cases() throws IOException {
    try (InputStream in = VisorRasterFixturesTest.class.getResourceAsStream("/visor/raster_fixtures.json")) {
      return new ObjectMapper().readTree(in).get("cases");
    }
  }

  /** A fixture object's segments as the rasteriser takes them. */
  static List<double[]> segments(JsonNode object) {
    List<double[]> out = new ArrayList<>();
    for (JsonNode poly : object) {
      double[] xy = new double[poly.size() * 2];
      for (int i = 0; i < poly.size(); i++) {
        xy[2 * i] = poly.get(i).get(0).asDouble();
        xy[2 * i + 1] = poly.get(i).get(1).asDouble();
      }
      out.add(xy);
    }
    return out;
  }

  @TestFactory
  List<DynamicTest> matchesOpenCv() throws IOException {
    JsonNode all = cases();
    assertTrue(all.size() >= 340, "fixture count " + all.size());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : all) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }
    return tests;
  }

  private static void check(JsonNode c) {
    int h = c.get("height").asInt();
    int w = c.get("width").asInt();
    List<List<double[]>> objects = new ArrayList<>();
    for (JsonNode o : c.get("objects")) {
      objects.add(segments(o));
    }
    byte[] expected = new byte[h * w];
    JsonNode runs = c.get("runs");
    int at = 0;
    for (int i = 0; i < runs.size(); i += 2) {
      for (int k = 0; k < runs.get(i + 1).asInt(); k++) {
        expected[at++] = (byte) runs.get(i).asInt();
      }
    }
    assertEquals(h * w, at, "runs cover the frame");
    byte[] actual = VisorRaster.labelMap(h, w, objects);
    int diffs = 0;
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        if (diffs++ < 8) {
          first.append(" (x ").append(i % w).append(", y ").append(i / w).append("): opencv ")
              .append(expected[i]).append(" java ").append(actual[i]);
        }
      }
    }
    if (diffs > 0) {
      fail(c.get("name").asText() + ": " + diffs + " pixel(s) differ:" + first);
    }
    for (int i = 0; i < objects.size(); i++) {
      assertEquals(c.get("alone_areas").get(i).asLong(), VisorRaster.objectMask(h, w, objects.get(i)).area(),
          "object " + i + " drawn alone");
    }
  }
}
