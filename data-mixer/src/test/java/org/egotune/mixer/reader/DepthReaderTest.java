package org.egotune.mixer.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.layout.DatasetLayout;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The depth layout's reader, its depth-only records, and bad labels named by file and problem. */
class DepthReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DatasetLayout DEPTH = DatasetLayouts.get("depth");

  @TempDir Path root;
  private Path index;

  @BeforeEach
  void generate() throws IOException {
    SyntheticDatasets.generate(new SynthConfig(Layout.DEPTH, 2, 3, 4, 32, 32), root);
    index = root.resolve("train/index.json");
  }

  private Path label(String video, String frame) {
    return root.resolve("train/depth").resolve(video).resolve(frame + ".npy");
  }

  @Test
  void everyExpressionCarriesItsVideosDepthFiles() throws IOException {
    List<ClipRecord> records = DEPTH.read(root).records();
    ObjectNode videos = (ObjectNode) JSON.readTree(index.toFile()).get("videos");
    int expressions = 0;
    for (var v : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) videos::fields) {
      expressions += v.getValue().get("expressions").size();
    }
    assertEquals(expressions, records.size());
    for (ClipRecord r : records) {
      assertEquals(4, r.depthFiles().size());
      assertEquals(label(r.video(), r.frameNames().get(2)).toString(), r.depthFiles().get(2));
      Sample s = FrameFiles.toSample(new Configuration(), r);
      assertEquals(32 * 32, s.depths().get(0).length);
    }
  }

  @Test
  void aVideoWithoutExpressionsIsOneDepthOnlyRecord() throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(index.toFile());
    ((ObjectNode) doc.get("videos").get("depth_0001")).remove("expressions");
    JSON.writeValue(index.toFile(), doc);
    List<ClipRecord> only = DEPTH.read(root).records().stream()
        .filter(r -> r.video().equals("depth_0001")).toList();
    assertEquals(1, only.size());
    ClipRecord r = only.get(0);
    assertEquals(DepthReader.DEPTH_ONLY_ID, r.expId());
    assertEquals("", r.expression());
    assertTrue(r.masks().stream().allMatch(m -> m == null));
    assertEquals(4, r.depthFiles().size());
  }

  @Test
  void aMissingLabelRejectsTheVideoAndSkipListsEachExpression() throws IOException {
    Files.delete(label("depth_0000", "00003"));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DEPTH.read(root));
    assertEquals(label("depth_0000", "00003") + ": depth label not found (video depth_0000, frame 00003;"
        + " expected a float32 .npy of the frame's height x width)", e.getMessage());
    BadSamples bad = new BadSamples(BadSamplePolicy.SKIP, "depth");
    List<ClipRecord> kept = DEPTH.read(root, null, null, bad).records();
    assertTrue(kept.stream().noneMatch(r -> r.video().equals("depth_0000")));
    int objects = JSON.readTree(index.toFile()).get("videos").get("depth_0000").get("expressions").size();
    assertEquals(objects, bad.badCount());
    assertEquals(label("depth_0000", "00003").toString(), bad.entries().get(0).file());
  }

  @Test
  void wrongSizeNanAndNegativeLabelsFailWhenFramesAreRead() throws IOException {
    ClipRecord r = DEPTH.read(root).records().get(0);
    Configuration conf = new Configuration();
    Path f = Path.of(r.depthFiles().get(1));
    Files.write(f, DepthLabels.toNpy(new float[16 * 16], 16, 16));
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FrameFiles.toSample(conf, r));
    assertEquals(f + ": depth map shape is (16,16), expected (32, 32): the frame's height x width",
        e.getMessage());
    float[] map = new float[32 * 32];
    map[33] = Float.NaN;
    Files.write(f, DepthLabels.toNpy(map, 32, 32));
    e = assertThrows(DatasetFormatException.class, () -> FrameFiles.toSample(conf, r));
    assertTrue(e.getMessage().startsWith(f + ": inverse depth at row 1, column 1 is NaN"), e.getMessage());
    map[33] = -0.25f;
    Files.write(f, DepthLabels.toNpy(map, 32, 32));
    e = assertThrows(DatasetFormatException.class, () -> FrameFiles.toSample(conf, r));
    assertTrue(e.getMessage().startsWith(f + ": inverse depth at row 1, column 1 is negative (-0.25)"),
        e.getMessage());
  }

  @Test
  void anIndexOfAnotherFormatIsAnError() throws IOException {
    ObjectNode doc = (ObjectNode) JSON.readTree(index.toFile());
    doc.put("version", 2);
    JSON.writeValue(index.toFile(), doc);
    DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DEPTH.read(root));
    assertEquals(index + ": format/version: expected \"egotune-depth\" version 1, found \"egotune-depth\""
        + " version 2", e.getMessage());
  }
}
