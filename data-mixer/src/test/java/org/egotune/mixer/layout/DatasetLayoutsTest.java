package org.egotune.mixer.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.egotune.mixer.layout.DatasetLayout.Role;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layout registry: docs/data.md lists exactly its layouts, every split of every training
 * layout reads from its own folder, a split without ground truth is an error naming the missing
 * file, and {@code source} names every record.
 */
class DatasetLayoutsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BEGIN = "<!-- layouts:";
  private static final String END = "<!-- /layouts -->";

  @TempDir Path tmp;

  @Test
  void docsDataMdListsExactlyTheRegisteredLayouts() throws IOException {
    Path doc = Path.of("..", "docs", "data.md");
    List<String> lines = Files.readAllLines(doc);
    int from = -1;
    int to = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(BEGIN)) {
        from = i;
      } else if (lines.get(i).startsWith(END)) {
        to = i;
      }
    }
    assertTrue(from >= 0 && to > from, doc + ": no '" + BEGIN + "' ... '" + END + "' block");
    List<String> documented = new ArrayList<>();
    for (String l : lines.subList(from + 1, to)) {
      if (!l.startsWith("| `")) {
        continue; // header and separator rows
      }
      String[] cells = l.split("\\|");
      documented.add(String.join(" ; ", cell(cells[1]), cell(cells[2]), cell(cells[3]), cell(cells[4])));
    }
    List<String> registered = new ArrayList<>();
    for (DatasetLayout l : DatasetLayouts.all()) {
      registered.add(String.join(" ; ", l.name(), l.role().id(), String.join(", ", l.splits()),
          l.reader().getClass().getSimpleName()));
    }
    assertEquals(registered, documented, doc + ": the layout table (name ; role ; splits, default"
        + " first ; reader) disagrees with DatasetLayouts");
  }

  private static String cell(String c) {
    return c.replace("`", "").trim();
  }

  @Test
  void registryKnowsRolesAndRefusesUnknownNamesAndSplits() {
    assertEquals(List.of("egomask-train", "ref-youtube-vos", "mevis", "ref-davis", "depth", "visor"),
        DatasetLayouts.names(Role.TRAINING));
    assertEquals(List.of("egomask-bench"), DatasetLayouts.names(Role.BENCHMARK));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DatasetLayouts.get("davis"));
    assertEquals("unknown layout 'davis', expected one of egomask-train, egomask-bench,"
        + " ref-youtube-vos, mevis, ref-davis, depth, visor", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DatasetLayouts.get("mevis").split("val"));
    assertEquals("--split val is not a split of layout mevis (expected one of train, valid_u, valid)",
        e.getMessage());
    assertEquals("train", DatasetLayouts.get("ref-davis").split(null));
  }

  /** Generates every split of {@code name}, reads each, checks its records come from that split. */
  @ParameterizedTest
  @ValueSource(strings = {"egomask-train", "ref-youtube-vos", "mevis", "ref-davis", "depth"})
  void everySplitIsReadFromItsOwnFolder(String name) throws IOException {
    DatasetLayout layout = DatasetLayouts.get(name);
    Path root = tmp.resolve(name);
    SyntheticDatasets.generate(new SynthConfig(layout.generator(), 3, 3, 4, 32, 32, layout.splits()), root);
    Set<String> seen = new HashSet<>();
    for (String split : layout.splits()) {
      if (withoutGroundTruth(name, split)) {
        continue;
      }
      List<ClipRecord> records = layout.read(root, split, null, null).records();
      assertFalse(records.isEmpty(), name + "/" + split);
      String prefix = root.resolve(split).resolve("JPEGImages") + "/";
      for (ClipRecord r : records) {
        assertEquals(name, r.source());
        for (String f : r.frameFiles()) {
          assertTrue(f.startsWith(prefix), name + "/" + split + ": " + f + " not under " + prefix);
        }
        assertTrue(metaExpressions(root, name, split).contains(r.video() + "/" + r.expId() + "=" + r.expression()),
            name + "/" + split + ": " + r.video() + "/" + r.expId() + " is not in that split's meta file");
      }
      // a split is its own data: the generator draws each one from its own seed
      List<String> content = records.stream().map(ClipRecord::expression).toList();
      assertTrue(seen.add(String.valueOf(content) + records.get(0).masks()), name + "/" + split + " repeats another split");
    }
  }

  /** VISOR: each split (sparse train/val, dense train-dense/val-dense) from its own JSON and frames. */
  @Test
  void everyVisorSplitIsReadFromItsOwnFolders() throws IOException {
    DatasetLayout layout = DatasetLayouts.get("visor");
    Path root = tmp.resolve("visor");
    SyntheticDatasets.generate(new SynthConfig(layout.generator(), 3, 3, 4, 32, 32, layout.splits()), root);
    Set<String> seen = new HashSet<>();
    for (String split : layout.splits()) {
      boolean dense = split.endsWith("-dense");
      String base = split.replace("-dense", "");
      Path frames = dense ? root.resolve("Interpolations-DenseAnnotations/rgb_frames").resolve(base)
          : root.resolve("GroundTruth-SparseAnnotations/rgb_frames").resolve(base);
      List<ClipRecord> records = layout.read(root, split, null, null).records();
      assertFalse(records.isEmpty(), split);
      for (ClipRecord r : records) {
        for (String f : r.frameFiles()) {
          String path = f.startsWith("jar:") ? Path.of(java.net.URI.create(f.substring(4, f.indexOf("!/")))).toString() : f;
          assertTrue(path.startsWith(frames + "/"), split + ": " + f + " not under " + frames);
        }
      }
      assertTrue(seen.add(String.valueOf(records.stream().map(ClipRecord::masks).toList())),
          split + " repeats another split");
    }
  }

  private static boolean withoutGroundTruth(String name, String split) {
    return split.equals("valid") && (name.equals("mevis") || name.equals("ref-youtube-vos"));
  }

  private static Set<String> metaExpressions(Path root, String layout, String split) throws IOException {
    Path meta = layout.equals("mevis") ? root.resolve(split).resolve("meta_expressions.json")
        : layout.equals("depth") ? root.resolve(split).resolve("index.json")
        : root.resolve("meta_expressions").resolve(split).resolve("meta_expressions.json");
    Set<String> out = new HashSet<>();
    JsonNode videos = JSON.readTree(meta.toFile()).get("videos");
    videos.fields().forEachRemaining(v -> v.getValue().get("expressions").fields().forEachRemaining(
        e -> out.add(v.getKey() + "/" + e.getKey() + "=" + e.getValue().get("exp").textValue())));
    return out;
  }

  @Test
  void aSplitReleasedWithoutMasksIsAnErrorNamingTheMissingFile() throws IOException {
    Path mevis = tmp.resolve("mevis");
    SyntheticDatasets.generate(new SynthConfig(Layout.MEVIS, 3, 2, 4, 32, 32, List.of("train", "valid")), mevis);
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> DatasetLayouts.get("mevis").read(mevis, "valid", null, null));
    assertEquals(mevis.resolve("valid/mask_dict.json") + ": file not found", e.getMessage());
    Path ytvos = tmp.resolve("ytvos");
    SyntheticDatasets.generate(new SynthConfig(Layout.REF_YOUTUBE_VOS, 3, 2, 4, 32, 32, List.of("valid")), ytvos);
    e = assertThrows(DatasetFormatException.class,
        () -> DatasetLayouts.get("ref-youtube-vos").read(ytvos, "valid", null, null));
    assertTrue(e.getMessage().startsWith(ytvos.resolve("valid/Annotations") + ": annotation folder not found"),
        e.getMessage());
  }

  @Test
  void aSplitFolderGivenAsTheRootIsAnErrorThatSaysWhatToPass() throws IOException {
    Path root = tmp.resolve("mevis");
    SyntheticDatasets.generate(new SynthConfig(Layout.MEVIS, 3, 2, 4, 32, 32), root);
    DatasetFormatException e = assertThrows(DatasetFormatException.class,
        () -> DatasetLayouts.get("mevis").read(root.resolve("train"), "train", null, null));
    assertTrue(e.getMessage().startsWith(root.resolve("train/train/meta_expressions.json") + ": file not found"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("give the dataset root " + root + " and --split train)"), e.getMessage());
  }

  /** The rows' source is the one asked for, for every reader (feature lookup goes by it). */
  @ParameterizedTest
  @ValueSource(strings = {"egomask-train", "egomask-bench", "ref-youtube-vos", "mevis", "ref-davis", "depth", "visor"})
  void everyRecordCarriesTheRequestedSource(String name) throws IOException {
    DatasetLayout layout = DatasetLayouts.get(name);
    Path root = tmp.resolve(name);
    SyntheticDatasets.generate(new SynthConfig(layout.generator(), 3, 3, 4, 32, 32), root);
    List<ClipRecord> records = layout.read(root, null, "my-" + name, null).records();
    assertFalse(records.isEmpty());
    for (ClipRecord r : records) {
      if (layout.role() == Role.BENCHMARK) {
        assertTrue(r.source().matches("my-egomask-bench/(short|medium|long)"), r.source());
      } else {
        assertEquals("my-" + name, r.source());
      }
    }
    // and by default the layout's own name, as before
    assertTrue(layout.read(root).records().stream().allMatch(r -> r.source().startsWith(name)));
  }
}
