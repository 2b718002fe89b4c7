package org.egotune.cluster.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.egotune.trainer.metrics.MetricTable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole quickstart pipeline at a tiny size, on Spark local[2]: what a new user runs first. */
@Tag("slow")
class QuickstartIT {
  @TempDir Path tmp;

  @Test
  void generatesPreparesTrainsEvaluatesAndExports() throws Exception {
    Path out = tmp.resolve("qs");
    // 300 steps: with look-alike clutter in egocentric clips (docs/data.md), 80 steps left the model
    // predicting nothing (IoU_gold_with_pred equal to the untrained model's)
    Quickstart.Report r = Quickstart.run(new Quickstart.Options(out, "local[2]", 12, 6, 6, 300, 7L));

    assertTrue(r.lastLoss() < 0.6 * r.firstLoss(),
        "training loss must fall: " + r.firstLoss() + " -> " + r.lastLoss());
    MetricTable.Summary before = r.untrained().get("full");
    MetricTable.Summary after = r.trained().get("full");
    assertTrue(after.iouGoldWithPred() > before.iouGoldWithPred() + 5,
        "trained IoU_gold_with_pred " + after.iouGoldWithPred() + " must beat untrained " + before.iouGoldWithPred());
    assertTrue(after.iouGold() > before.iouGold(), "IoU_gold must improve");

    // Exact 80/20: 300 steps x 2 workers x batch 4 = 2,400 samples.
    assertEquals(2400L, r.samplesSeen());
    assertEquals(1920L, r.realisedCounts().get("egomask-train"));
    assertEquals(480L, r.realisedCounts().get("ref-youtube-vos"));

    Path export = Path.of(r.export().replaceFirst("^file:", ""));
    assertTrue(Files.size(export.resolve("model.fb")) > 10_000, "model.fb is written");
    var st = org.egotune.model.io.Safetensors.read(export.resolve("model.safetensors"));
    assertEquals(org.egotune.model.SegModel.build(org.egotune.model.ModelConfig.defaults()).stateDict().keySet(),
        st.tensors().keySet(), "every tensor is exported by name");
    JsonNode card = new ObjectMapper().readTree(export.resolve("card.json").toFile());
    assertEquals(0.8, card.path("data").path("egomask-train").path("realisedShare").asDouble(), 1e-12);
    assertEquals(300, card.path("steps").asInt());
    assertEquals(after.iouGoldWithPred(),
        card.path("metrics").path("full").path("IoU_gold_with_pred").asDouble(), 1e-9);
    assertTrue(Files.exists(Path.of(r.checkpoint().replaceFirst("^file:", "")).resolve("meta.json")));
    assertTrue(Files.exists(out.resolve("shards/egomask-train/manifest.json")));
    assertTrue(Files.exists(out.resolve("raw/egomask-bench/subset/short/meta_expressions.json")));

    // evaluate: the checkpoint's table, its predictions written in EgoMask's layout, and the same
    // predictions scored again without any frame on disk give the same numbers.
    Path bench = out.resolve("raw/egomask-bench");
    Path preds = tmp.resolve("preds");
    Path j1 = tmp.resolve("ckpt.json");
    Path j2 = tmp.resolve("preds.json");
    assertEquals(0, org.egotune.cluster.cli.EgoTuneCli.execute("evaluate", "--benchmark", bench.toString(),
        "--split", "full", "--checkpoint", out.resolve("checkpoints").toString(),
        "--write-predictions", preds.toString(), "--json", j1.toString()));
    deleteTree(bench.resolve("JPEGImages"));
    assertEquals(0, org.egotune.cluster.cli.EgoTuneCli.execute("evaluate", "--benchmark", bench.toString(),
        "--split", "full", "--predictions", preds.toString(), "--json", j2.toString()));
    ObjectMapper om = new ObjectMapper();
    JsonNode a = om.readTree(j1.toFile());
    JsonNode b = om.readTree(j2.toFile());
    assertEquals(a, b, "scoring written predictions must reproduce the checkpoint's table");
    for (String split : new String[] {"short", "medium", "long", "full"}) {
      assertEquals(r.trained().get(split).iouGoldWithPred(),
          a.path("splits").path(split).path("IoU_gold_with_pred").asDouble(), 1e-9, split);
    }
    assertTrue(a.path("splits").path("full").has("J&F"));
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
