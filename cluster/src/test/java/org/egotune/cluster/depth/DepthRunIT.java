package org.egotune.cluster.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.egotune.cluster.cli.EgoTuneCli;
import org.egotune.model.ModelConfig;
import org.egotune.model.depth.DepthHead;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The depth path end to end through the command line, as docs/models.md shows it: generate the
 * {@code depth} layout (train and valid splits), prepare both, generate {@code egodtm-depth-small}
 * features, train on Spark local[2] with 2 workers averaging (validating at the end), evaluate
 * {@code --kind depth}, export with the metrics in the card; the loss falls, the metrics are sane,
 * the export loads back strictly into a {@link DepthHead}, and a run stopped half-way and resumed
 * in-process ({@code --master none}) ends bit for bit where the uninterrupted Spark run does. A mask
 * preset refuses the depth source.
 */
@Tag("slow")
class DepthRunIT {
  @TempDir static Path tmp;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the CLI in this JVM; returns its exit code and what it printed. */
  static String cli(int expectedCode, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int code;
    try {
      System.setOut(capture);
      System.setErr(capture);
      code = EgoTuneCli.commandLine().setOut(new java.io.PrintWriter(capture, true))
          .setErr(new java.io.PrintWriter(capture, true)).execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    out.print(printed);
    assertEquals(expectedCode, code, String.join(" ", args) + ":\n" + printed);
    return printed;
  }

  static void job(Path file, String shards, String ckpt, int steps) throws Exception {
    Files.writeString(file, String.join("\n",
        "model: {preset: egodtm-depth-small}",
        "data:",
        "  shards: " + shards,
        "  mix: {depth-train: 1.0}",
        "  benchmark: " + shards + "/depth-valid",
        "train: {steps: " + steps + ", batchSize: 2, learningRate: 0.003, warmupSteps: 0, evalEvery: 12}",
        "spark: {master: \"local[2]\", workers: 2, averagingEvery: 3}",
        "checkpoint: {dir: " + ckpt + ", everySteps: 6}",
        ""));
  }

  @Test
  void depthPresetGeneratesTrainsEvaluatesExportsAndResumes() throws Exception {
    String raw = tmp.resolve("raw/depth").toString();
    String shards = tmp.resolve("shards").toString();
    cli(0, "generate", "--layout", "depth", "--split", "train", "--split", "valid", "--out", raw,
        "--videos", "6", "--frames", "8", "--size", "64");
    cli(0, "prepare", "--layout", "depth", "--input", raw, "--out", shards, "--source", "depth-train");
    cli(0, "prepare", "--layout", "depth", "--split", "valid", "--input", raw, "--out", shards,
        "--source", "depth-valid");
    cli(0, "generate-features", "--data", shards, "--preset", "egodtm-depth-small");
    assertTrue(Files.exists(tmp.resolve("shards/features/depth-train/index.json")));
    assertTrue(Files.exists(tmp.resolve("shards/features/depth-valid/index.json")));

    Path job = tmp.resolve("depth.yaml");
    String ckpt = tmp.resolve("run/checkpoints").toString();
    job(job, shards, ckpt, 12);
    String trained = cli(0, "train", "--config", job.toString());
    assertTrue(trained.contains("trained 12 steps"), trained);

    // The loss falls: the mean of the last two rounds below the first round's.
    List<JsonNode> rounds = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("run/checkpoints/metrics.jsonl"))) {
      rounds.add(JSON.readTree(line));
    }
    assertEquals(4, rounds.size(), "12 steps in rounds of 3");
    double first = rounds.get(0).path("loss").asDouble();
    double last = (rounds.get(2).path("loss").asDouble() + rounds.get(3).path("loss").asDouble()) / 2;
    assertTrue(last < first, "depth loss should fall: " + first + " -> " + last);
    // Validation at the end (train.evalEvery 12) reports the depth metrics.
    JsonNode validation = rounds.get(3).path("validation");
    assertTrue(validation.path("scale_aware.delta1").isNumber(), "validation: " + validation);

    Path metrics = tmp.resolve("run/depth-metrics.json");
    String evaluated = cli(0, "evaluate", "--kind", "depth", "--checkpoint", ckpt, "--benchmark",
        shards + "/depth-valid", "--json", metrics.toString());
    assertTrue(evaluated.contains("| depth-valid |"), evaluated);
    JsonNode m = JSON.readTree(metrics.toFile()).path("datasets").path("depth-valid");
    assertEquals(6 * 8, m.path("images").asInt(), "every frame of the 6 valid videos once: " + m);
    for (String k : List.of("scale_aware", "scale_invariant")) {
      double d1 = m.path(k + ".delta1").asDouble(-1);
      double d3 = m.path(k + ".delta3").asDouble(-1);
      double rmse = m.path(k + ".rmse").asDouble(-1);
      assertTrue(d1 >= 0 && d1 <= d3 && d3 <= 1, k + " deltas: " + m);
      assertTrue(rmse > 0 && rmse < 0.5, k + " RMSE on [0, 1] inverse depth: " + m);
    }
    // Scale-invariant fits scale and shift per image, so it cannot be worse in RMSE.
    assertTrue(m.path("scale_invariant.rmse").asDouble() <= m.path("scale_aware.rmse").asDouble() + 1e-9, m.toString());

    Path export = tmp.resolve("run/export");
    cli(0, "export", "--checkpoint", ckpt, "--out", export.toString(), "--benchmark", shards + "/depth-valid");
    JsonNode card = JSON.readTree(export.resolve("card.json").toFile());
    assertEquals("egotune-egodtm-depth-small", card.path("name").asText());
    assertEquals(m.path("scale_aware.delta1").asDouble(),
        card.path("metrics").path("depth-valid").path("scale_aware.delta1").asDouble(), 0.0, card.toString());
    assertTrue(card.path("validation").path("metrics").path("scale_invariant.rmse").isNumber(), card.toString());
    DepthHead back = DepthHead.build(ModelConfig.preset(ModelConfig.DEPTH_SMALL, 99L).depthConfig(), 99L);
    back.loadSafetensors(export.resolve("model.safetensors"), true);
    Configuration conf = new Configuration();
    var c = new CheckpointStore(conf, new org.apache.hadoop.fs.Path(ckpt), Integer.MAX_VALUE)
        .load(CheckpointEvaluation.resolve(conf, ckpt));
    assertArrayEquals(c.params(), back.params().flatten(back.sameDiff()), "export reads back as the checkpoint");

    // Stopped after 6 steps and resumed to 12 without Spark (--master none, every worker in this JVM):
    // bit for bit the uninterrupted Spark run.
    Path job2 = tmp.resolve("depth-resumed.yaml");
    String ckpt2 = tmp.resolve("run2/checkpoints").toString();
    job(job2, shards, ckpt2, 12);
    cli(0, "train", "--config", job2.toString(), "--steps", "6");
    String resumed = cli(0, "train", "--config", job2.toString(), "--resume", "--master", "none");
    assertTrue(resumed.contains("resumed at step 6"), resumed);
    var c2 = new CheckpointStore(conf, new org.apache.hadoop.fs.Path(ckpt2), Integer.MAX_VALUE)
        .load(CheckpointEvaluation.resolve(conf, ckpt2));
    assertEquals(12, c2.step());
    assertArrayEquals(c.params(), c2.params(), "resumed parameters");
    assertArrayEquals(c.optimizer(), c2.optimizer(), "resumed optimizer state");

    // A mask preset refuses the depth source, naming it and the preset (exit 2).
    Path tinyJob = tmp.resolve("tiny.yaml");
    Files.writeString(tinyJob, Files.readString(job).replace("egodtm-depth-small", "tiny")
        .replace("evalEvery: 12", "evalEvery: 0"));
    String refused = cli(2, "train", "--config", tinyJob.toString(), "--checkpoint-dir",
        tmp.resolve("run3").toString(), "--steps", "1");
    assertTrue(refused.contains("'depth-train'") && refused.contains("model.preset tiny"), refused);
  }
}
