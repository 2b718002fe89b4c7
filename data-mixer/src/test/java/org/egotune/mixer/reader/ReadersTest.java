package org.egotune.mixer.reader;

import org.egotune.mixer.layout.DatasetLayouts;
import static org.egotune.mixer.reader.ReaderAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.egotune.mixer.mask.PaletteMasks;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private void generate(Layout layout) throws IOException {
    SyntheticDatasets.generate(new SynthConfig(layout, 5, 3, 4, 48, 48), root);
  }

  @Test
  void missingFrameFileIsNamed() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    Path gone = root.resolve("train/JPEGImages/ego_0001/00010.jpg");
    Files.delete(gone);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> DatasetLayouts.get("egomask-train").read(root).records());
    assertMessage(e, gone.toString(), "frame file not found", "ego_0001", "00010");
  }

  @Test
  void pngFramesAreAccepted() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    Path jpg = root.resolve("train/JPEGImages/ytvos_0000/00005.jpg");
    Path png = root.resolve("train/JPEGImages/ytvos_0000/00005.png");
    javax.imageio.ImageIO.write(javax.imageio.ImageIO.read(jpg.toFile()), "png", png.toFile());
    Files.delete(jpg);
    ClipRecord r = DatasetLayouts.get("ref-youtube-vos").read(root).records().get(0);
    assertEquals(png.toString(), r.frameFiles().get(1));
  }

  @Test
  void missingMaskDictKeyIsNamed() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    Path f = root.resolve("train/mask_dict.json");
    ObjectNode dict = (ObjectNode) JSON.readTree(f.toFile());
    dict.remove("('ego_0002', '1')");
    JSON.writeValue(f.toFile(), dict);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> DatasetLayouts.get("egomask-train").read(root).records());
    assertMessage(e, "mask_dict.json", "('ego_0002', '1')", "expression 1");
  }

  @Test
  void allNullObjectsAreSkippedAndCounted() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    int before = DatasetLayouts.get("egomask-train").read(root).records().size();
    Path f = root.resolve("train/mask_dict.json");
    ObjectNode dict = (ObjectNode) JSON.readTree(f.toFile());
    ArrayNode nulls = dict.putArray("('ego_0000', '0')");
    for (int i = 0; i < 4; i++) {
      nulls.addNull();
    }
    JSON.writeValue(f.toFile(), dict);
    ReadResult res = DatasetLayouts.get("egomask-train").read(root);
    assertEquals(1, res.skippedAllNull());
    assertEquals(before - 1, res.records().size());
  }

  @Test
  void malformedJsonNamesTheFile() throws IOException {
    generate(Layout.EGOMASK_BENCH);
    Path meta = root.resolve("subset/medium/meta_expressions.json");
    Files.writeString(meta, "{\"videos\": {\"x\": ");
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> EgoMaskBenchReader.read(root, "medium"));
    assertMessage(e, meta.toString(), "malformed JSON");
    assertThrows(DatasetFormatException.class, () -> EgoMaskBenchReader.read(root, "full"));
  }

  @Test
  void missingExpressionFieldNamesItsKeyPath() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    ((ObjectNode) m.at("/videos/ytvos_0001/expressions/1")).remove("exp");
    JSON.writeValue(meta.toFile(), m);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class,
            () -> DatasetLayouts.get("ref-youtube-vos").read(root).records());
    assertMessage(e, "meta_expressions.json: videos.ytvos_0001.expressions.1: missing \"exp\"");
  }

  @Test
  void maskSizeDifferentFromFrameIsNamed() throws IOException {
    generate(Layout.EGOMASK_BENCH);
    // the medium video of a 3-video bench is clip0001--0 (short 1, medium 1, long 1); its
    // annotations live under the raw clip name
    Path ann = root.resolve("annotations/clip0001/0.json");
    ObjectNode dict = JSON.createObjectNode();
    ObjectNode rle = dict.putObject("00005");
    rle.putArray("size").add(32).add(32);
    rle.putArray("counts").add(1024);
    JSON.writeValue(ann.toFile(), dict);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> EgoMaskBenchReader.read(root, "medium"));
    assertMessage(e, ann.toString(), "00005", "mask size is 32x32", "48x48");
  }

  @Test
  void badRunTotalInAMaskIsNamed() throws IOException {
    generate(Layout.EGOMASK_BENCH);
    Path ann = root.resolve("annotations/refego_0000/0.json");
    ObjectNode dict = JSON.createObjectNode();
    ObjectNode rle = dict.putObject("img0000000002");
    rle.putArray("size").add(48).add(48);
    rle.put("counts", "05:NV2");
    JSON.writeValue(ann.toFile(), dict);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class, () -> EgoMaskBenchReader.read(root, "short"));
    assertMessage(e, ann.toString(), "img0000000002", "2304");
  }

  @Test
  void benchAnnotationKeysOutsideTheFrameListAreIgnored() throws IOException {
    generate(Layout.EGOMASK_BENCH);
    Path ann = root.resolve("annotations/clip0002/0.json");
    ObjectNode dict = (ObjectNode) JSON.readTree(ann.toFile());
    dict.putNull("99999");
    JSON.writeValue(ann.toFile(), dict);
    ClipRecord r = EgoMaskBenchReader.read(root, "long").get(0);
    assertTrue(!r.annotatedFrames().contains("99999"));
  }

  @Test
  void ytvosMissingPngIsNullAndVoidPixelsAreNotObjects() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    Path annDir = root.resolve("train/Annotations/ytvos_0000");
    Files.delete(annDir.resolve("00000.png"));
    // frame 00005: paint void (255) over the whole image except object 1's pixels, and erase object 2
    PaletteMasks.IndexedImage img = PaletteMasks.read(annDir.resolve("00005.png"));
    int[] idx = img.indices().clone();
    long obj1 = 0;
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] == 1) {
        obj1++;
      } else {
        idx[i] = 255;
      }
    }
    PaletteMasks.write(annDir.resolve("00005.png"), idx, img.height(), img.width());

    List<ClipRecord> recs = new ArrayList<>();
    for (ClipRecord r : DatasetLayouts.get("ref-davis").read(root).records()) {
      if (r.video().equals("ytvos_0000")) {
        recs.add(r);
      }
    }
    ClipRecord first = recs.get(0);
    ClipRecord second = recs.get(1);
    assertEquals("1", first.objIds().get(0));
    assertNull(first.masks().get(0), "no PNG: no mask");
    assertTrue(!first.annotatedFrames().contains("00000"));
    assertEquals(obj1, first.masks().get(1).area(), "void pixels are not the object");
    assertNotNull(second.masks().get(1), "PNG present but no pixels: an empty mask");
    assertEquals(0, second.masks().get(1).area());
    assertTrue(second.annotatedFrames().contains("00005"));
  }

  @Test
  void voidObjectIdIsRejected() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    ((ObjectNode) m.at("/videos/ytvos_0002/expressions/0")).put("obj_id", "255");
    JSON.writeValue(meta.toFile(), m);
    DatasetFormatException e =
        assertThrows(DatasetFormatException.class,
            () -> DatasetLayouts.get("ref-davis").read(root).records());
    assertMessage(e, "videos.ytvos_0002.expressions.0.obj_id", "255", "void");
  }

  @Test
  void idsSortNumericAware() {
    List<String> ids = new ArrayList<>(List.of("10", "b", "2", "a", "1"));
    ids.sort(ReaderSupport.NUMERIC_AWARE);
    assertEquals(List.of("1", "2", "10", "a", "b"), ids);
  }

  @Test
  void rawClipSplitsOnlyEgoTracksNames() {
    assertEquals("clip7", EgoMaskBenchReader.rawClip("medium", "clip7--3"));
    assertEquals("refego_1--1", EgoMaskBenchReader.rawClip("short", "refego_1--1"));
    assertEquals("clip9", EgoMaskBenchReader.rawClip("long", "clip9"));
  }
}
