package org.egotune.mixer.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The visor reader on damaged data: each problem fails with a message naming the file, the key and
 * what was expected, and under {@code skip} leaves out only the samples it touches.
 */
class VisorReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Two videos of 4 frames (one clip each, 5 entities): P01_101 zipped, P02_102 in a folder. */
  private Path dataset() throws IOException {
    Path root = tmp.resolve("visor");
    SyntheticDatasets.generate(new SynthConfig(Layout.VISOR, 5, 2, 4, 32, 32), root);
    return root;
  }

  private static Path json(Path root, String video) {
    return root.resolve("GroundTruth-SparseAnnotations/annotations/train/" + video + ".json");
  }

  /** Replaces the first match of {@code regex} in {@code file}'s text. */
  private static void edit(Path file, String regex, String replacement) throws IOException {
    String s = Files.readString(file);
    Matcher m = Pattern.compile(regex).matcher(s);
    assertTrue(m.find(), regex + " not in " + file);
    Files.writeString(file, s.substring(0, m.start()) + replacement + s.substring(m.end()));
  }

  private static List<ClipRecord> readAll(Path root) throws DatasetFormatException {
    return DatasetLayouts.get("visor").read(root).records();
  }

  @Test
  void cleanDataReadsEveryEntity() throws IOException {
    assertEquals(10, readAll(dataset()).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nan", "string", "bool", "nesting-shallow", "nesting-deep", "three-coordinates", "segments-object"})
  void aBadPolygonIsOneBadSample(String damage) throws IOException {
    Path root = dataset();
    Path file = json(root, "P02_102");
    ObjectNode doc = (ObjectNode) JSON.readTree(file.toFile());
    ObjectNode ann = (ObjectNode) doc.get("video_annotations").get(0).get("annotations").get(0);
    ArrayNode point = (ArrayNode) ann.get("segments").get(0).get(0);
    String expected;
    switch (damage) {
      case "nan" -> {
        point.set(0, JSON.getNodeFactory().numberNode(123456.5)); // written as NaN below
        expected = "segments[0][0][0]: coordinate NaN is not a finite pixel coordinate";
      }
      case "string" -> {
        point.set(0, JSON.getNodeFactory().textNode("12"));
        expected = "segments[0][0][0]: expected a number, found STRING \"12\"";
      }
      case "bool" -> {
        point.set(0, JSON.getNodeFactory().booleanNode(true));
        expected = "segments[0][0][0]: expected a number, found BOOLEAN true";
      }
      case "nesting-shallow" -> {
        ann.set("segments", ann.get("segments").get(0)); // one polygon, not a list of them
        expected = "segments[0][0]: wrong nesting: expected a point [x, y], found NUMBER";
      }
      case "nesting-deep" -> {
        JsonNode old = ann.get("segments");
        ann.putArray("segments").add(JSON.createArrayNode().add(old));
        expected = "segments[0][0]: wrong nesting: expected a point [x, y], found an array of 1";
      }
      case "three-coordinates" -> {
        point.add(7);
        expected = "segments[0][0]: wrong nesting: expected a point [x, y], found an array of 3";
      }
      default -> {
        ann.putObject("segments").set("a", JSON.createArrayNode());
        expected = "segments: expected a list of polygons, found OBJECT";
      }
    }
    Files.writeString(file, JSON.writeValueAsString(doc).replace("123456.5", "NaN"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> readAll(root));
    assertTrue(e.getMessage().startsWith(file + ": video_annotations["), e.getMessage());
    assertTrue(e.getMessage().contains("].annotations[0]." + expected), e.getMessage());

    BadSamples bad = new BadSamples(BadSamplePolicy.SKIP, "visor");
    List<ClipRecord> kept = DatasetLayouts.get("visor").read(root, null, null, bad).records();
    assertEquals(9, kept.size(), "only the damaged entity is left out");
    assertEquals(1, bad.badCount());
    BadSample b = bad.entries().get(0);
    assertEquals(file.toString(), b.file());
    assertEquals("P02_102_seq_00001", b.video());
    assertTrue(b.key().startsWith("clips.P02_102_seq_00001.objects."), b.key());
  }

  @Test
  void aFrameMissingFromItsZipFailsTheClip() throws IOException {
    Path root = dataset();
    Path zip = root.resolve("GroundTruth-SparseAnnotations/rgb_frames/train/P01/P01_101.zip");
    Path copy = tmp.resolve("copy.zip");
    try (ZipFile in = new ZipFile(zip.toFile()); OutputStream os = Files.newOutputStream(copy);
        ZipOutputStream out = new ZipOutputStream(os)) {
      for (var it = in.entries(); it.hasMoreElements(); ) {
        ZipEntry e = it.nextElement();
        if (e.getName().endsWith("P01_101_frame_0000001037.jpg")) {
          continue;
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream s = in.getInputStream(e)) {
          s.transferTo(out);
        }
      }
    }
    Files.move(copy, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> readAll(root));
    assertEquals(zip + ": frame P01_101_frame_0000001037.jpg is not in the zip (referenced by P01_101.json"
        + " video_annotations[2])", e.getMessage());
    BadSamples bad = new BadSamples(BadSamplePolicy.SKIP, "visor");
    assertEquals(5, DatasetLayouts.get("visor").read(root, null, null, bad).records().size());
    assertEquals(5, bad.badCount(), "every entity of the clip");
  }

  @Test
  void aFrameMissingFromItsFolderOrAVideoWithoutFramesFails() throws IOException {
    Path root = dataset();
    Path dir = root.resolve("GroundTruth-SparseAnnotations/rgb_frames/train/P02/P02_102");
    Files.delete(dir.resolve("P02_102_frame_0000001000.jpg"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> readAll(root));
    assertEquals(dir.resolve("P02_102_frame_0000001000.jpg") + ": frame file not found (referenced by"
        + " P02_102.json video_annotations[3])", e.getMessage());
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
    e = assertThrows(DatasetFormatException.class, () -> readAll(root));
    assertTrue(e.getMessage().startsWith(dir.getParent().resolve("P02_102.zip") + ": frames of video P02_102 not found"),
        e.getMessage());
  }

  @Test
  void aFrameOfAnotherVideoOrAMalformedFileIsNamed() throws IOException {
    Path root = dataset();
    Path file = json(root, "P02_102");
    edit(file, "\"name\":\"P02_102_frame_", "\"name\":\"P01_101_frame_");
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> readAll(root));
    assertTrue(e.getMessage().startsWith(file + ": video_annotations[0].image.name: frame P01_101_frame_"),
        e.getMessage());
    Files.writeString(file, "{\"video_annotations\": {}}");
    e = assertThrows(DatasetFormatException.class, () -> readAll(root));
    assertEquals(file + ": video_annotations: expected an array of frame entries, found OBJECT", e.getMessage());
    BadSamples bad = new BadSamples(BadSamplePolicy.SKIP, "visor");
    assertEquals(5, DatasetLayouts.get("visor").read(root, null, null, bad).records().size());
  }
}
