package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The egotune command line as a user meets it: help, exit codes and error messages. */
class EgoTuneCliTest {
  @TempDir Path tmp;

  /** Exit code and what the command printed on stdout and stderr. */
  record Run(int code, String out, String err) {
    String both() {
      return out + "\n" + err;
    }

    String describe() {
      return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
    }
  }

  /** Runs {@link EgoTuneCli#execute} with System.out/err captured, restoring them afterwards. */
  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = EgoTuneCli.execute(args);
      System.out.flush();
      System.err.flush();
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertContains(Run r, String text, String what) {
    assertTrue(r.both().contains(text), what + ": expected output to contain '" + text + "'\n" + r.describe());
  }

  @Test
  void topLevelHelpListsEverySubcommand() {
    Run r = run("--help");
    assertEquals(0, r.code(), "egotune --help exits 0\n" + r.describe());
    for (String sub : List.of("quickstart", "generate", "prepare", "train", "evaluate", "export", "models",
        "generate-features", "bench")) {
      assertTrue(r.out().contains(sub), "egotune --help must list '" + sub + "' on stdout\n" + r.describe());
    }
    assertTrue(r.out().contains("Usage"), "egotune --help prints a usage line\n" + r.describe());
  }

  @Test
  void subcommandHelpShowsKeyOptions() {
    Map<String, List<String>> keyOptions = Map.of(
        "quickstart", List.of("--out", "--master", "--steps", "--seed"),
        "generate", List.of("--layout", "--out", "--videos", "--frames", "--size", "--seed"),
        "prepare", List.of("--layout", "--input", "--out", "--source", "--samples-per-shard", "--overwrite"),
        "train", List.of("--config", "--master", "--workers", "--steps", "--mix", "--shards",
            "--checkpoint-dir", "--weights", "--resume", "--print-config"),
        "evaluate", List.of("--benchmark", "--kind", "--split", "--checkpoint", "--predictions", "--json"),
        "export", List.of("--checkpoint", "--preset", "--seed", "--out", "--overwrite"),
        "generate-features", List.of("--data", "--benchmark", "--preset", "--seed", "--overwrite", "--dtype", "--config"));
    for (Map.Entry<String, List<String>> e : keyOptions.entrySet()) {
      Run r = run(e.getKey(), "--help");
      assertEquals(0, r.code(), "egotune " + e.getKey() + " --help exits 0\n" + r.describe());
      assertTrue(r.out().contains("egotune " + e.getKey()),
          "usage of " + e.getKey() + " names the command\n" + r.describe());
      for (String opt : e.getValue()) {
        assertTrue(r.out().contains(opt),
            "egotune " + e.getKey() + " --help must mention " + opt + "\n" + r.describe());
      }
    }
  }

  @Test
  void modelsListsEveryPresetWithParametersAndInputs() {
    Run r = run("models");
    assertEquals(0, r.code(), r.describe());
    for (String text : List.of("tiny:", "sam2-decoder-small:", "sam2-decoder:", "8,911,845",
        "image_embeddings   [N, 256, 64, 64]", "seg_hidden_state   [N, 2048]", "frames             [N, 3, 32, 32]",
        "mask_logits        [N, 1, 256, 256]", "egodtm-depth:", "egodtm-depth-small:", "9,786,561",
        "patch_tokens       [N, 4, 196, 768]", "depth              [N, 4, 56, 56]")) {
      assertContains(r, text, "egotune models");
    }
  }

  @Test
  void exportDepthPresetWritesEgoDtmNamedSafetensors() throws Exception {
    Path f = tmp.resolve("depth.safetensors");
    Run r = run("export", "--preset", "egodtm-depth-small", "--seed", "3", "--format", "safetensors", "--out", f.toString());
    assertEquals(0, r.code(), r.describe());
    var tensors = org.egotune.model.io.Safetensors.read(f).tensors();
    var fresh = org.egotune.model.SegModel.build(org.egotune.model.ModelConfig.preset("egodtm-depth-small", 3L));
    assertEquals(new java.util.ArrayList<>(fresh.stateDict().keySet()), new java.util.ArrayList<>(tensors.keySet()));
    assertTrue(tensors.containsKey("decoder.transformer_self_attention_layers.0.self_attn.Wqkv.weight"), tensors.keySet().toString());
    assertEquals(fresh.stateDict().get("fpn.simfp_2.0.weight"), tensors.get("fpn.simfp_2.0.weight"));
  }

  @Test
  void exportPresetWritesSa2vaNamedSafetensors() throws Exception {
    Path f = tmp.resolve("small.safetensors");
    Run r = run("export", "--preset", "sam2-decoder-small", "--seed", "3", "--format", "safetensors", "--out", f.toString());
    assertEquals(0, r.code(), r.describe());
    var tensors = org.egotune.model.io.Safetensors.read(f).tensors();
    assertTrue(tensors.containsKey("grounding_encoder.sam2_model.sam_mask_decoder.conv_s0.weight"), tensors.keySet().toString());
    assertTrue(tensors.containsKey("text_hidden_fcs.0.weight"));
    var fresh = org.egotune.model.SegModel.build(org.egotune.model.ModelConfig.preset("sam2-decoder-small", 3L));
    assertEquals(fresh.stateDict().keySet(), tensors.keySet());
    assertEquals(fresh.stateDict().get("text_hidden_fcs.0.weight"), tensors.get("text_hidden_fcs.0.weight"));
    Run again = run("export", "--preset", "sam2-decoder-small", "--out", f.toString());
    assertEquals(2, again.code(), again.describe());
    assertContains(again, "--overwrite", "export --preset over an existing file");
    Run both = run("export", "--preset", "tiny", "--checkpoint", "x", "--out", f.toString());
    assertEquals(2, both.code(), both.describe());
    assertContains(both, "exactly one of --checkpoint", "export with --preset and --checkpoint");
  }

  @Test
  void benchFromThisJarSaysWhereTheBenchmarksAre() {
    Run r = run("bench", "step", "--steps", "1");
    assertEquals(2, r.code(), r.describe());
    assertContains(r, "run bin/egotune bench", "egotune bench from the cluster jar");
  }

  @Test
  void versionExitsZero() {
    Run r = run("--version");
    assertEquals(0, r.code(), "egotune --version exits 0\n" + r.describe());
    assertTrue(r.out().startsWith("egotune "), "--version prints 'egotune <version>'\n" + r.describe());
  }

  @Test
  void unknownOptionIsRejected() {
    Run r = run("train", "--no-such-flag");
    assertNotEquals(0, r.code(), "an unknown option must fail\n" + r.describe());
    assertContains(r, "--no-such-flag", "the error names the unknown option");
    Run top = run("--bogus");
    assertNotEquals(0, top.code(), "an unknown top-level option must fail\n" + top.describe());
  }

  @Test
  void unknownLayoutListsValidLayouts() {
    Run r = run("generate", "--layout", "nope", "--out", tmp.resolve("x").toString());
    assertEquals(2, r.code(), "an unknown layout is a user error (exit 2)\n" + r.describe());
    assertContains(r, "nope", "the error names the bad layout");
    for (String id : List.of("egomask-train", "egomask-bench", "ref-youtube-vos")) {
      assertTrue(r.err().contains(id), "the error on stderr must list valid layout " + id + "\n" + r.describe());
    }
    assertFalse(Files.exists(tmp.resolve("x")), "nothing is written for an unknown layout");
  }

  @Test
  void generateWritesEgoMaskTrainLayout() throws Exception {
    Path out = tmp.resolve("ego");
    Run r = run("generate", "--layout", "egomask-train", "--out", out.toString(),
        "--videos", "3", "--frames", "4", "--size", "32");
    assertEquals(0, r.code(), "generate succeeds\n" + r.describe());
    Path meta = out.resolve("meta_expressions/train/meta_expressions.json");
    assertTrue(Files.isRegularFile(meta), "generate must write " + meta + "\n" + r.describe());
    assertTrue(Files.size(meta) > 2, "meta_expressions.json must not be empty");
    assertTrue(r.out().contains("3 videos"), "generate reports the number of videos\n" + r.describe());
  }

  @Test
  void generateIntoNonEmptyDirectoryFails() throws Exception {
    Path out = tmp.resolve("full");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "x");
    Run r = run("generate", "--layout", "egomask-train", "--out", out.toString(),
        "--videos", "3", "--frames", "4", "--size", "32");
    assertEquals(2, r.code(), "a non-empty output directory is a user error\n" + r.describe());
    assertContains(r, out.toString(), "the error names the directory");
  }

  @Test
  void printConfigShowsOverrides() {
    Run r = run("train", "--print-config", "--steps", "7");
    assertEquals(0, r.code(), "train --print-config exits 0\n" + r.describe());
    assertTrue(r.out().lines().anyMatch(l -> l.trim().equals("steps: 7")),
        "the printed YAML must contain 'steps: 7'\n" + r.describe());
  }

  @Test
  void printConfigReadsConfigFileAndFlagsWin() throws Exception {
    Path cfg = tmp.resolve("job.yaml");
    Files.writeString(cfg, "train:\n  steps: 11\nspark:\n  workers: 3\n");
    Run r = run("train", "--print-config", "--config", cfg.toString(), "--steps", "13");
    assertEquals(0, r.code(), "train --print-config --config exits 0\n" + r.describe());
    assertTrue(r.out().lines().anyMatch(l -> l.trim().equals("steps: 13")),
        "the --steps flag must beat the file\n" + r.describe());
    assertTrue(r.out().lines().anyMatch(l -> l.trim().equals("workers: 3")),
        "spark.workers comes from the file\n" + r.describe());
  }

  @Test
  void badMixIsAUserErrorNamingDataMix() {
    Run r = run("train", "--mix", "a=0.5");
    assertEquals(2, r.code(), "a mixture not summing to 1 is a user error (exit 2)\n" + r.describe());
    assertTrue(r.err().contains("data.mix"), "the error on stderr must name data.mix\n" + r.describe());
  }

  @Test
  void malformedMixIsAUserError() {
    Run r = run("train", "--print-config", "--mix", "egomask-train");
    assertEquals(2, r.code(), "a malformed --mix is a user error (exit 2)\n" + r.describe());
    assertContains(r, "--mix", "the error names the flag");
  }

  @Test
  void exportOfMissingCheckpointIsAUserError() {
    Path missing = tmp.resolve("no-such-checkpoint");
    Path out = tmp.resolve("export");
    Run r = run("export", "--checkpoint", missing.toString(), "--out", out.toString());
    assertEquals(2, r.code(), "exporting a missing checkpoint is a user error (exit 2)\n" + r.describe());
    assertTrue(r.err().contains(missing.toString()), "the error names the checkpoint path\n" + r.describe());
    assertTrue(r.err().contains("checkpoint"), "the error says what is missing\n" + r.describe());
    assertFalse(Files.exists(out), "nothing is exported");
  }

  /**
   * One narration, one object on one 4x4 frame: ground truth the top-left 2x2 block ([0, 2, 2, 2, 10]
   * in column-major runs), predicted the top-left 2x3 block ([0, 2, 2, 2, 2, 2, 6]): J = 4/6, F = 1
   * (every boundary pixel within the 1-pixel tolerance of the other's), J&F = 5/6.
   */
  @Test
  void evaluateKindNvosScoresPredictionFilesAgainstABenchmarkJson() throws Exception {
    Path bench = tmp.resolve("nvos.json");
    Files.writeString(bench, "{\"narrations\": [{\"id\": \"n1\", \"split\": \"val\", \"video\": \"P01_107\","
        + " \"size\": [4, 4], \"frames\": [\"a\"], \"objects\": [{\"id\": \"1\", \"annotations\": {\"a\":"
        + " {\"exhaustive\": \"y\", \"instances\": [{\"size\": [4, 4], \"counts\": [0, 2, 2, 2, 10]}]}}}]}]}");
    Path pred = tmp.resolve("preds/val/P01_107/n1/n1-1.json");
    Files.createDirectories(pred.getParent());
    Files.writeString(pred, "{\"a\": {\"size\": [4, 4], \"counts\": [0, 2, 2, 2, 2, 2, 6]}}");
    Path json = tmp.resolve("nvos-metrics.json");
    String preds = tmp.resolve("preds").toString();
    Run r = run("evaluate", "--kind", "nvos", "--benchmark", bench.toString(), "--predictions", preds,
        "--json", json.toString());
    assertEquals(0, r.code(), r.describe());
    assertContains(r, "| overall | 1 | 1 | 83.33 | 66.67 | 100.00 | 66.67 | 66.67 |", "the overall row");
    assertContains(r, "| exhaustive=y | 1 | 1 | 83.33 |", "the row of exhaustive objects");
    assertTrue(Files.readString(json).contains("\"J&F\" : 83.33"), Files.readString(json));
    Run test = run("evaluate", "--kind", "nvos", "--benchmark", bench.toString(), "--predictions", preds,
        "--split", "test");
    assertEquals(2, test.code(), test.describe());
    assertContains(test, "splits present: [val]", "a split no narration has");
    Run kind = run("evaluate", "--kind", "davis", "--benchmark", bench.toString(), "--predictions", preds);
    assertEquals(2, kind.code(), kind.describe());
    assertContains(kind, "--kind must be egomask, nvos or depth, found 'davis'", "an unknown kind");
    Run ckpt = run("evaluate", "--kind", "nvos", "--benchmark", bench.toString(), "--checkpoint", preds);
    assertEquals(2, ckpt.code(), ckpt.describe());
    assertContains(ckpt, "--kind nvos scores --predictions only", "no checkpoint scoring for NVOS yet");
    Files.writeString(pred, "{\"a\": {\"size\": [8, 8], \"counts\": [64]}}");
    Run bad = run("evaluate", "--kind", "nvos", "--benchmark", bench.toString(), "--predictions", preds);
    assertEquals(2, bad.code(), bad.describe());
    assertContains(bad, pred + ": a: mask size is 8x8 but the frame is 4x4", "a bad prediction file");
  }

  /** The depth path's user errors: each exits 2 with one line naming the flag or directory. */
  @Test
  void depthUserErrorsNameTheFlagOrDirectory() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("no-depth-here"));
    Run preds = run("evaluate", "--kind", "depth", "--benchmark", empty.toString(), "--predictions", empty.toString());
    assertEquals(2, preds.code(), preds.describe());
    assertContains(preds, "--kind depth scores --checkpoint only", "no depth prediction files");
    Run noData = run("evaluate", "--kind", "depth", "--benchmark", empty.toString(), "--checkpoint", empty.toString());
    assertEquals(2, noData.code(), noData.describe());
    assertContains(noData, empty + " is neither a prepared depth dataset", "a benchmark that is not prepared depth data");
    Run bench = run("generate-features", "--preset", "egodtm-depth-small", "--benchmark", empty.toString());
    assertEquals(2, bench.code(), bench.describe());
    assertContains(bench, "--benchmark is an EgoMask-layout benchmark, which --preset egodtm-depth-small cannot score",
        "depth features come from prepared depth data");
  }

  @Test
  void quickstartRefusesANonEmptyOutputAndOverwriteNeverWipesAForeignDirectory() throws Exception {
    Path out = tmp.resolve("qs");
    Files.createDirectories(out.resolve("notes"));
    Files.writeString(out.resolve("notes/keep.txt"), "mine");
    Run r = run("quickstart", "--out", out.toString());
    assertEquals(2, r.code(), r.describe());
    assertTrue(r.err().contains("is not empty") && r.err().contains("--overwrite"), r.describe());
    Run o = run("quickstart", "--out", out.toString(), "--overwrite");
    assertEquals(2, o.code(), o.describe());
    assertTrue(o.err().contains("does not look like a quickstart output"), o.describe());
    assertTrue(Files.exists(out.resolve("notes/keep.txt")), "a foreign directory is left alone");
  }

  @Test
  void overwriteDeletesAnEarlierQuickstartOutput() throws Exception {
    Path out = tmp.resolve("old");
    Files.createDirectories(out.resolve("raw/egomask-train"));
    Files.createDirectories(out.resolve("checkpoints/step-00000001"));
    Files.writeString(out.resolve("checkpoints/latest"), "step-00000001");
    org.egotune.cluster.quickstart.Quickstart.deleteOutput(out);
    assertFalse(Files.exists(out));
  }
}
