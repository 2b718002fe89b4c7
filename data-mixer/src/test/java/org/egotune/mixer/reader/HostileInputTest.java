package org.egotune.mixer.reader;

import org.egotune.mixer.layout.DatasetLayouts;
import static org.egotune.mixer.reader.ReaderAssertions.assertFails;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or hostile datasets: every case must end in a {@link DatasetFormatException} that names
 * the file and the problem, never in a stack trace from deep inside a parser or a read elsewhere.
 */
class HostileInputTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private void generate(Layout layout) throws IOException {
    SyntheticDatasets.generate(new SynthConfig(layout, 9, 3, 4, 40, 40), root);
  }

  private Path ytvosMeta() {
    return root.resolve("meta_expressions/train/meta_expressions.json");
  }

  // ------------------------------------------------------------------ JSON

  @Test
  void truncatedJson() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    Path dict = root.resolve("train/mask_dict.json");
    byte[] b = Files.readAllBytes(dict);
    Files.write(dict, Arrays.copyOf(b, b.length - 7));
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), dict.toString(), "malformed JSON at line");
  }

  @Test
  void trailingGarbageAfterTheDocument() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    Files.writeString(ytvosMeta(), Files.readString(ytvosMeta()) + "\n{\"videos\": {}}");
    assertFails(() -> DatasetLayouts.get("ref-youtube-vos").read(root).records(), ytvosMeta().toString(),
        "malformed JSON");
  }

  @Test
  void duplicateKeys() throws IOException {
    generate(Layout.MEVIS);
    Path dict = root.resolve("train/mask_dict.json");
    String s = Files.readString(dict);
    // a second "0" key at the end: Jackson would silently keep the last one
    Files.writeString(dict, s.substring(0, s.lastIndexOf('}')) + ",\"0\":[]}");
    assertFails(() -> DatasetLayouts.get("mevis").read(root).records(), dict.toString(), "Duplicate field '0'");
  }

  @Test
  void emptyFile() throws IOException {
    generate(Layout.EGOMASK_BENCH);
    Path meta = root.resolve("subset/long/meta_expressions.json");
    Files.writeString(meta, "");
    assertFails(() -> EgoMaskBenchReader.read(root, "long"), meta.toString(), "empty file");
  }

  @Test
  void wrongTopLevelType() throws IOException {
    generate(Layout.MEVIS);
    Path dict = root.resolve("train/mask_dict.json");
    Files.writeString(dict, "[1, 2, 3]");
    assertFails(() -> DatasetLayouts.get("mevis").read(root).records(), dict.toString(), "(root): expected an object, found ARRAY");
  }

  // ------------------------------------------------------------------ RLE

  private void replaceFirstTrainMask(ObjectNode rle) throws IOException {
    Path dict = root.resolve("train/mask_dict.json");
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    ((ArrayNode) d.get("('ego_0000', '1')")).set(0, rle);
    JSON.writeValue(dict.toFile(), d);
  }

  private static ObjectNode rle(int h, int w) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("size").add(h).add(w);
    return n;
  }

  @Test
  void rleRunsThatDoNotSumToTheFrame() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    ObjectNode r = rle(40, 40);
    r.putArray("counts").add(1000).add(10);
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), "mask_dict.json", "('ego_0000', '1')[0]",
        "runs sum to 1010", "40*40 = 1600");
  }

  @Test
  void rleNegativeRunInACountsList() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    ObjectNode r = rle(40, 40);
    r.putArray("counts").add(1601).add(-1);
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), "('ego_0000', '1')[0]", "run 1 is negative: -1");
  }

  @Test
  void rleNegativeRunInACompressedString() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    ObjectNode r = rle(40, 40);
    // runs 10, 5, 20, then a delta of -30 from the run two back: 5 - 30 = -25 (computed with
    // make_fixtures.py's rle_to_string)
    r.put("counts", ":5d0RO");
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), "('ego_0000', '1')[0] (frame 00000).counts",
        "invalid COCO RLE", "run 3 is out of range: -25");
  }

  @Test
  void rleStringCutInsideARun() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    ObjectNode r = rle(40, 40);
    r.put("counts", "a"); // 'a' = 49 has the continuation bit and nothing follows
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), "ends inside a run");
  }

  @Test
  void rleCountsOfTheWrongType() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    ObjectNode r = rle(40, 40);
    r.put("counts", 1600);
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), ".counts: expected a compressed string or a list");
    r.putArray("counts").add(1599.5).add(0.5);
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), "run 0 is not an integer");
  }

  @Test
  void rleSizeMissingOrMalformed() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    ObjectNode r = JSON.createObjectNode();
    r.put("counts", "0");
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(),
        "('ego_0000', '1')[0] (frame 00000): missing \"size\"");
    r.putArray("size").add(40);
    replaceFirstTrainMask(r);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), ".size: expected [height, width]");
  }

  // ------------------------------------------------------------------ images

  @Test
  void annotationThatIsNotAPalettePng() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    Path png = root.resolve("train/Annotations/ytvos_0001/00005.png");
    ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    assertFails(() -> DatasetLayouts.get("ref-youtube-vos").read(root).records(), png.toString(),
        "expected a palette (indexed-colour) PNG");
  }

  @Test
  void annotationThatIsNotAnImageAtAll() throws IOException {
    generate(Layout.REF_DAVIS);
    Path png = root.resolve("train/Annotations/davis_0002/00003.png");
    byte[] b = Files.readAllBytes(png);
    Files.write(png, Arrays.copyOf(b, 20)); // PNG signature, then nothing usable
    assertFails(() -> DatasetLayouts.get("ref-davis").read(root).records(), png.toString(), "PNG");
  }

  @Test
  void frameThatIsNotAnImage() throws IOException {
    generate(Layout.MEVIS);
    Path jpg = root.resolve("train/JPEGImages/mevis_0001/00000.jpg");
    Files.writeString(jpg, "not a jpeg");
    assertFails(() -> DatasetLayouts.get("mevis").read(root).records(), jpg.toString(), "not a readable image");
  }

  @Test
  void missingFrame() throws IOException {
    generate(Layout.REF_DAVIS);
    Path jpg = root.resolve("train/JPEGImages/davis_0000/00002.jpg");
    Files.delete(jpg);
    assertFails(() -> DatasetLayouts.get("ref-davis").read(root).records(), jpg.toString(),
        "frame file not found", "video davis_0000", "frame 00002");
  }

  // ------------------------------------------------------------------ counts and names

  @Test
  void maskListLongerThanTheFrames() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    Path dict = root.resolve("train/mask_dict.json");
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    ((ArrayNode) d.get("('ego_0001', '0')")).addNull();
    JSON.writeValue(dict.toFile(), d);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), dict.toString(),
        "('ego_0001', '0'): has 5 entries, expected one per frame (4)");
  }

  @Test
  void frameListedTwice() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    ObjectNode m = (ObjectNode) JSON.readTree(ytvosMeta().toFile());
    ((ArrayNode) m.at("/videos/ytvos_0000/frames")).set(2, JSON.getNodeFactory().textNode("00000"));
    JSON.writeValue(ytvosMeta().toFile(), m);
    assertFails(() -> DatasetLayouts.get("ref-youtube-vos").read(root).records(), ytvosMeta().toString(),
        "videos.ytvos_0000.frames", "listed twice");
  }

  @Test
  void frameNameClimbingOutOfTheRoot() throws IOException {
    generate(Layout.REF_YOUTUBE_VOS);
    // a real file outside the dataset that the name would reach
    Files.copy(root.resolve("train/JPEGImages/ytvos_0000/00000.jpg"), root.resolve("outside.jpg"));
    ObjectNode m = (ObjectNode) JSON.readTree(ytvosMeta().toFile());
    ((ArrayNode) m.at("/videos/ytvos_0000/frames"))
        .set(0, JSON.getNodeFactory().textNode("../../../outside"));
    JSON.writeValue(ytvosMeta().toFile(), m);
    assertFails(() -> DatasetLayouts.get("ref-youtube-vos").read(root).records(),
        "videos.ytvos_0000.frames[0]", "\"../../../outside\" is not a plain file name");
  }

  @Test
  void videoNameThatIsDotDot() throws IOException {
    generate(Layout.EGOMASK_TRAIN);
    Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    ObjectNode videos = (ObjectNode) m.get("videos");
    videos.set("..", videos.remove("ego_0002"));
    JSON.writeValue(meta.toFile(), m);
    assertFails(() -> DatasetLayouts.get("egomask-train").read(root).records(), meta.toString(), "videos..",
        "not a plain file name");
  }

  @Test
  void benchObjIdClimbingOutOfTheRoot() throws IOException {
    generate(Layout.EGOMASK_BENCH);
    Path meta = root.resolve("subset/long/meta_expressions.json");
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    ((ObjectNode) m.at("/videos/clip0002/expressions/0")).put("obj_id", "../../subset/long/x");
    JSON.writeValue(meta.toFile(), m);
    assertFails(() -> EgoMaskBenchReader.read(root, "long"), meta.toString(),
        "videos.clip0002.expressions.0.obj_id", "not a plain file name");
  }
}
