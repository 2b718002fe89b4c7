package org.egotune.mixer.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvosBenchmarkFileTest {
  @TempDir Path tmp;

  /** The top-left 2x2 block of a 4x4 frame, as column-major run lengths. */
  private static final String B4 = "{\"size\": [4, 4], \"counts\": [0, 2, 2, 2, 10]}";

  private static String narration(String id, String frames, String objects) {
    return "{\"id\": \"" + id + "\", \"split\": \"val\", \"video\": \"P01_107\", \"size\": [4, 4], \"frames\": "
        + frames + ", \"objects\": " + objects + "}";
  }

  private static String object(String id, String annotations) {
    return "{\"id\": \"" + id + "\", \"annotations\": " + annotations + "}";
  }

  private Path write(String... narrations) throws Exception {
    Path f = tmp.resolve("nvos.json");
    Files.writeString(f, "{\"narrations\": [" + String.join(", ", narrations) + "]}");
    return f;
  }

  @Test
  void readsNarrationsObjectsAndInstances() throws Exception {
    Path f = write(narration("n1", "[\"a\", \"b\"]", "[" + object("5",
        "{\"b\": {\"exhaustive\": \"n\", \"instances\": [" + B4 + ", " + B4 + "]}}") + ", " + object("2", "{}") + "]"),
        narration("n2", "[]", "[" + object("1", "{}") + "]"));
    List<NvosBenchmarkFile.Clip> clips = NvosBenchmarkFile.read(f);
    assertEquals(2, clips.size());
    NvosBenchmarkFile.Clip c = clips.get(0);
    assertEquals(List.of("val", "P01_107", "n1", 4, 4, List.of("a", "b")),
        List.of(c.split(), c.video(), c.id(), c.height(), c.width(), c.frames()));
    assertEquals(List.of("5", "2"), c.objects().stream().map(NvosBenchmarkFile.Target::id).toList());
    NvosBenchmarkFile.Truth t = c.objects().get(0).annotations().get("b");
    assertEquals("n", t.exhaustive());
    assertEquals(2, t.instances().size());
    assertEquals(4, t.instances().get(0).area());
    assertTrue(clips.get(1).frames().isEmpty(), "a narration without annotated frames is read (and skipped when scored)");
  }

  @Test
  void everySchemaViolationNamesFileKeyAndExpectation() throws Exception {
    String ok = "[" + object("1", "{\"a\": {\"exhaustive\": \"y\", \"instances\": [" + B4 + "]}}") + "]";
    assertError("narrations[0].objects[0].annotations.a.exhaustive: expected \"y\", \"n\" or \"inconclusive\","
        + " found \"yes\"", narration("n1", "[\"a\"]", ok.replace("\"y\"", "\"yes\"")));
    assertError("narrations[0].objects[0].annotations.b: frame is not among narrations[0].frames",
        narration("n1", "[\"a\"]", ok.replace("{\"a\":", "{\"b\":")));
    assertError("narrations[0].objects[0].annotations.a.instances[0]: mask size is 4x4 but the frame is 4x5",
        narration("n1", "[\"a\"]", ok).replace("\"size\": [4, 4], \"frames\"", "\"size\": [4, 5], \"frames\""));
    assertError("narrations[0].objects[0].annotations.a.instances: expected a non-empty array of COCO RLE masks,"
        + " found an empty array", narration("n1", "[\"a\"]", ok.replace("[" + B4 + "]", "[]")));
    assertError("narrations[0].objects: expected a non-empty array of referred objects, found an empty array",
        narration("n1", "[\"a\"]", "[]"));
    assertError("narrations[0].frames[1]: \"a\" is listed twice", narration("n1", "[\"a\", \"a\"]", ok));
    assertError("narrations[0].objects[1].id: \"1\" is used by an earlier object",
        narration("n1", "[\"a\"]", ok.replace("]}}}]", "]}}}, " + object("1", "{}") + "]")));
    assertError("narrations[1].id: \"n1\" is used by an earlier narration",
        narration("n1", "[\"a\"]", ok), narration("n1", "[\"a\"]", ok));
    assertError("narrations[0].video: \"../x\" is not a plain file name",
        narration("n1", "[\"a\"]", ok).replace("P01_107", "../x"));
    assertError("narrations[0].size: expected [height, width] of positive integers, found [4,0]",
        narration("n1", "[\"a\"]", ok).replace("\"size\": [4, 4], \"frames\"", "\"size\": [4, 0], \"frames\""));
    assertError("narrations[0]: missing \"split\"", narration("n1", "[\"a\"]", ok).replace("\"split\"", "\"splat\""));
  }

  private void assertError(String expected, String... narrations) throws Exception {
    Path f = write(narrations);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> NvosBenchmarkFile.read(f));
    assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains(expected), e.getMessage());
  }
}
