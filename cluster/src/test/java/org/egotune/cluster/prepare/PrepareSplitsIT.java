package org.egotune.cluster.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.egotune.cluster.cli.EgoTuneCli;
import org.egotune.mixer.layout.DatasetLayout;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code egotune prepare --split / --source} through the CLI: each split of a layout becomes its own
 * dataset whose rows come from that split's folder and carry the {@code --source} name, the manifest
 * records the split, and wrong splits or the benchmark layout end in one line with exit code 2.
 */
@Tag("slow")
class PrepareSplitsIT {
  @TempDir Path tmp;

  record Run(int exit, String stderr) {}

  static Run cli(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = EgoTuneCli.execute(args);
      return new Run(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  private Path generate(String layout, List<String> splits) throws Exception {
    DatasetLayout l = DatasetLayouts.get(layout);
    Path root = tmp.resolve("raw-" + layout);
    SyntheticDatasets.generate(new SynthConfig(l.generator(), 3, 2, 4, 32, 32, splits), root);
    return root;
  }

  private static List<ClipRecord> rows(Path datasetDir) throws Exception {
    try (ShardedDataset ds = ShardedDataset.open(new Configuration(),
        new org.apache.hadoop.fs.Path(datasetDir.toUri()))) {
      List<ClipRecord> out = new java.util.ArrayList<>();
      for (long i = 0; i < ds.size(); i++) {
        out.add(ds.get(i).record());
      }
      return out;
    }
  }

  @Test
  void eachSplitAndSourceOfEveryTrainingLayout() throws Exception {
    String shards = tmp.resolve("shards").toString();
    Path mevis = generate("mevis", List.of("train", "valid_u", "valid"));
    Path davis = generate("ref-davis", List.of("train", "valid"));
    Path ego = generate("egomask-train", List.of("train"));
    Path ytvos = generate("ref-youtube-vos", List.of("train", "valid"));
    Object[][] cases = {
        {"mevis", mevis, "valid_u", "mevis-vu"}, {"mevis", mevis, null, "mevis-renamed"},
        {"ref-davis", davis, "valid", "davis-valid"}, {"egomask-train", ego, null, "ego-renamed"},
        {"ref-youtube-vos", ytvos, null, "yt-renamed"}};
    for (Object[] c : cases) {
      String layout = (String) c[0];
      Path root = (Path) c[1];
      String split = (String) c[2];
      String source = (String) c[3];
      List<String> args = new java.util.ArrayList<>(List.of("prepare", "--layout", layout, "--input",
          root.toString(), "--out", shards, "--source", source, "--master", "local[1]"));
      if (split != null) {
        args.addAll(List.of("--split", split));
      }
      Run r = cli(args.toArray(String[]::new));
      assertEquals(0, r.exit(), r.stderr());
      Path dir = tmp.resolve("shards").resolve(source);
      String expectedSplit = split == null ? "train" : split;
      DatasetManifest m = DatasetManifest.read(new Configuration(), new org.apache.hadoop.fs.Path(dir.toUri()));
      assertEquals(expectedSplit, m.split(), source);
      assertEquals(source, m.source());
      List<ClipRecord> rows = rows(dir);
      assertEquals(DatasetLayouts.get(layout).read(root, expectedSplit, source, null).records().size(), rows.size());
      for (ClipRecord row : rows) {
        assertEquals(source, row.source(), "the row's source is --source");
        assertTrue(row.frameFiles().get(0).startsWith(root.resolve(expectedSplit).resolve("JPEGImages").toString()),
            row.frameFiles().get(0));
      }
    }
  }

  @Test
  void wrongSplitsAndTheBenchmarkEndInOneLineWithExitCode2() throws Exception {
    Path mevis = generate("mevis", List.of("train", "valid"));
    String out = tmp.resolve("shards").toString();
    Run r = cli("prepare", "--layout", "mevis", "--input", mevis.toString(), "--out", out, "--split", "test");
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("egotune prepare: error: --split test is not a split of layout mevis"
        + " (expected one of train, valid_u, valid)"), r.stderr());
    r = cli("prepare", "--layout", "mevis", "--input", mevis.toString(), "--out", out, "--split", "valid");
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("error: " + mevis.resolve("valid/mask_dict.json") + ": file not found"), r.stderr());
    r = cli("prepare", "--layout", "mevis", "--input", mevis.resolve("train").toString(), "--out", out);
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("give the dataset root " + mevis + " and --split train"), r.stderr());
    r = cli("prepare", "--layout", "egomask-bench", "--input", mevis.toString(), "--out", out);
    assertEquals(2, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("evaluate --benchmark DIR"), r.stderr());
    assertEquals(1, r.stderr().lines().filter(l -> l.startsWith("egotune ")).count(), r.stderr());
  }
}
