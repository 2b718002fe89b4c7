package org.egotune.mixer.reader;

import org.egotune.mixer.layout.DatasetLayouts;
import static org.egotune.mixer.reader.ReaderAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MevisReaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  private Path meta;
  private Path dict;

  @BeforeEach
  void generate() throws IOException {
    // 2 videos of 4 frames at 48x48: mevis_0000 has a two-object expression, mevis_0001 not
    SyntheticDatasets.generate(new SynthConfig(Layout.MEVIS, 7, 2, 4, 48, 48), root);
    meta = root.resolve("train/meta_expressions.json");
    dict = root.resolve("train/mask_dict.json");
  }

  /** Applies {@code edit} to expression {@code expId} of {@code video} and rewrites the meta. */
  private void editExpression(String video, String expId, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    edit.accept((ObjectNode) m.at("/videos/" + video + "/expressions/" + expId));
    JSON.writeValue(meta.toFile(), m);
  }

  private DatasetFormatException failure() {
    return assertThrows(DatasetFormatException.class, () -> DatasetLayouts.get("mevis").read(root).records());
  }

  @Test
  void overlappingAnnoIdsUnionToForegroundOnce() throws IOException {
    // anno 1 becomes a copy of anno 0, so they overlap everywhere: the union must equal anno 0's
    // mask exactly (the official scorer's sum would be 2 there; anything > 0 is foreground)
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    JsonNode a0 = d.get("0");
    d.set("1", a0.deepCopy());
    JSON.writeValue(dict.toFile(), d);
    int n = JSON.readTree(meta.toFile()).at("/videos/mevis_0000/expressions").size();
    ClipRecord r =
        DatasetLayouts.get("mevis").read(root).records().stream()
            .filter(x -> x.video().equals("mevis_0000") && x.objIds().size() == 2)
            .findFirst()
            .orElseThrow();
    assertEquals(Integer.toString(n - 1), r.expId());
    for (int t = 0; t < 4; t++) {
      Mask m0 = ReaderSupport.parseRle(a0.get(t), dict, "0", 48, 48).decode();
      assertEquals(m0, r.masks().get(t).decode(), "frame " + t);
    }
  }

  @Test
  void nullInOneAnnoIdKeepsTheOtherAndAllNullIsAbsent() throws IOException {
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    Rle m1 = ReaderSupport.parseRle(d.get("1").get(2), dict, "1", 48, 48);
    ((ArrayNode) d.get("0")).setNull(2);
    ((ArrayNode) d.get("0")).setNull(3);
    ((ArrayNode) d.get("1")).setNull(3);
    JSON.writeValue(dict.toFile(), d);
    ClipRecord r =
        DatasetLayouts.get("mevis").read(root).records().stream()
            .filter(x -> x.video().equals("mevis_0000") && x.objIds().size() == 2)
            .findFirst()
            .orElseThrow();
    assertEquals(m1, r.masks().get(2), "frame 2: only anno 1 is there");
    assertNull(r.masks().get(3), "frame 3: both null -> absent");
    assertEquals(java.util.Set.of("00000", "00001", "00002"), r.annotatedFrames());
  }

  @Test
  void expressionWhoseTargetIsNullEverywhereIsSkippedAndCounted() throws IOException {
    int before = DatasetLayouts.get("mevis").read(root).records().size();
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    ArrayNode nulls = d.putArray("99");
    for (int i = 0; i < 4; i++) {
      nulls.addNull();
    }
    JSON.writeValue(dict.toFile(), d);
    editExpression("mevis_0001", "0", e -> e.putArray("anno_id").add(99));
    ReadResult res = DatasetLayouts.get("mevis").read(root);
    assertEquals(1, res.skippedAllNull());
    assertEquals(before - 1, res.records().size());
  }

  @Test
  void missingAnnoIdNamesFileKeyAndExpression() throws IOException {
    editExpression("mevis_0001", "1", e -> e.putArray("anno_id").add(4242));
    assertMessage(failure(), dict.toString(), "no key \"4242\"", "video mevis_0001 expression 1",
        "expected a list of per-frame masks");
  }

  @Test
  void scalarObjIdIsAWrongType() throws IOException {
    editExpression("mevis_0001", "0", e -> e.put("obj_id", 0));
    assertMessage(failure(), meta.toString(), "videos.mevis_0001.expressions.0.obj_id",
        "expected a non-empty list of integer ids", "NUMBER");
  }

  @Test
  void stringAnnoIdElementIsAWrongType() throws IOException {
    editExpression("mevis_0001", "0", e -> e.putArray("anno_id").add("2"));
    assertMessage(failure(), meta.toString(), "videos.mevis_0001.expressions.0.anno_id[0]",
        "expected a non-negative integer id", "STRING");
  }

  @Test
  void emptyAndMissingIdListsAreRefused() throws IOException {
    editExpression("mevis_0001", "0", e -> e.putArray("anno_id"));
    assertMessage(failure(), "expressions.0.anno_id", "an empty list");
    editExpression("mevis_0001", "0", e -> e.remove("anno_id"));
    assertMessage(failure(), "videos.mevis_0001.expressions.0: missing \"anno_id\"");
  }

  @Test
  void objIdAndAnnoIdLengthsMustMatch() throws IOException {
    editExpression("mevis_0001", "0", e -> e.putArray("obj_id").add(0).add(1));
    assertMessage(failure(), "expressions.0: obj_id has 2 entries but anno_id 1");
  }

  @Test
  void maskListLengthDifferentFromFramesIsNamed() throws IOException {
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    ((ArrayNode) d.get("3")).remove(3);
    JSON.writeValue(dict.toFile(), d);
    assertMessage(failure(), dict.toString(), "\"3\": has 3 entries, expected one per frame (4)");
  }

  @Test
  void maskListOfTheWrongTypeIsNamed() throws IOException {
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    d.put("2", "not a list");
    JSON.writeValue(dict.toFile(), d);
    assertMessage(failure(), dict.toString(), "\"2\": expected a list of per-frame masks, found STRING");
  }

  @Test
  void negativeRunInCountsListIsNamed() throws IOException {
    ObjectNode d = (ObjectNode) JSON.readTree(dict.toFile());
    ObjectNode rle = ((ArrayNode) d.get("1")).objectNode();
    rle.putArray("size").add(48).add(48);
    rle.putArray("counts").add(2305).add(-1);
    ((ArrayNode) d.get("1")).set(1, rle);
    JSON.writeValue(dict.toFile(), d);
    assertMessage(failure(), dict.toString(), "\"1\"[1] (frame 00001).counts", "negative");
  }

  @Test
  void truncatedMaskDictIsNamed() throws IOException {
    String s = Files.readString(dict);
    Files.writeString(dict, s.substring(0, s.length() / 2));
    assertMessage(failure(), dict.toString(), "malformed JSON");
  }

  @Test
  void videoNameClimbingOutOfTheRootIsRefused() throws IOException {
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    ObjectNode videos = (ObjectNode) m.get("videos");
    videos.set("../../etc", videos.remove("mevis_0001"));
    JSON.writeValue(meta.toFile(), m);
    assertMessage(failure(), meta.toString(), "videos.../../etc", "not a plain file name");
  }

  @Test
  void readsBothCountsForms() throws IOException {
    String text = Files.readString(dict);
    assertTrue(text.contains("\"counts\":["), "odd anno ids use the counts list");
    assertTrue(text.contains("\"counts\":\""), "even anno ids use the compressed string");
    List<ClipRecord> recs = DatasetLayouts.get("mevis").read(root).records();
    assertTrue(recs.size() >= 5, "two videos of 2-3 objects plus one union expression");
  }
}
