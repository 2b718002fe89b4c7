package org.egotune.mixer.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvosPredictionsTest {
  @TempDir Path tmp;

  private static final NvosPredictions.Key KEY = new NvosPredictions.Key("val", "P01_107", "n0003", "2");

  private static Rle dot(int h, int w, int k) {
    boolean[] px = new boolean[h * w];
    px[k] = true;
    return Rle.encode(new Mask(h, w, px));
  }

  private Path writeRaw(String json) throws Exception {
    Path f = NvosPredictions.file(tmp, KEY);
    Files.createDirectories(f.getParent());
    Files.writeString(f, json);
    return f;
  }

  @Test
  void oneFilePerObjectMirroringEgoMasksLayout() {
    assertEquals(tmp.resolve("val/P01_107/n0003/n0003-2.json"), NvosPredictions.file(tmp, KEY));
  }

  @Test
  void writeThenReadRoundTripsKeepingOnlyNonEmptyFrames() throws Exception {
    Map<String, Rle> masks = new LinkedHashMap<>();
    masks.put("P01_107_frame_0000000212", dot(6, 8, 13));
    masks.put("P01_107_frame_0000000300", Rle.empty(6, 8));
    masks.put("P01_107_frame_0000000400", dot(6, 8, 47));
    Path f = NvosPredictions.write(tmp, KEY, masks.keySet(), masks);
    assertEquals(NvosPredictions.file(tmp, KEY), f);
    Map<String, Rle> back = NvosPredictions.read(tmp, KEY, 6, 8);
    assertEquals(List.of("P01_107_frame_0000000212", "P01_107_frame_0000000400"), List.copyOf(back.keySet()));
    assertEquals(masks.get("P01_107_frame_0000000400"), back.get("P01_107_frame_0000000400"));
  }

  @Test
  void aMissingFileIsAnObjectPredictedNowhereAndNullValuesAreKept() throws Exception {
    assertEquals(Map.of(), NvosPredictions.read(tmp, KEY, 6, 8));
    writeRaw("{\"a\": null, \"b\": {\"size\": [6, 8], \"counts\": [13, 1, 34]}}");
    Map<String, Rle> read = NvosPredictions.read(tmp, KEY, 6, 8);
    assertTrue(read.containsKey("a"));
    assertNull(read.get("a"));
    // COCO RLE counts run column-major: 13 background pixels, then (row 1, column 2).
    assertEquals(dot(6, 8, 1 * 8 + 2), read.get("b"));
  }

  @Test
  void badFilesNameTheFileTheKeyAndWhatWasExpected() throws Exception {
    Path f = writeRaw("{\"f1\": {\"size\": [16, 16], \"counts\": \"PP4\"}}");
    assertError(f, "f1: mask size is 16x16 but the frame is 6x8");
    writeRaw("[1, 2]");
    assertError(f, "(root): expected an object, found ARRAY");
    writeRaw("{\"f2\": [1, 2]}");
    assertError(f, "f2: expected an object, found ARRAY");
    writeRaw("{\"f3\": {\"size\": [6, 8]}}");
    assertError(f, "f3: missing \"counts\"");
    writeRaw("{\"f4\": {\"size\": [6, 8], \"counts\": [13, 1, 99]}}");
    assertError(f, "f4.counts: invalid COCO RLE");
    writeRaw("{\"f5\": {\"size\": [6, 8], \"counts\": 3}}");
    assertError(f, "f5.counts: expected a compressed string or a list of run lengths");
    writeRaw("{\"f6\": ");
    assertError(f, "malformed JSON");
  }

  private void assertError(Path file, String expected) {
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> NvosPredictions.read(tmp, KEY, 6, 8));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void keyPartsMustStayInsideTheRoot() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NvosPredictions.Key("val", "..", "n", "1"));
    assertTrue(e.getMessage().startsWith("video must be a plain file name"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new NvosPredictions.Key("val", "v", "n", "a/b"));
    assertThrows(IllegalArgumentException.class, () -> new NvosPredictions.Key(null, "v", "n", "1"));
  }
}
