package org.egotune.cluster.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every command of docs/guide.md, in order, through bin/egotune from an empty directory, as a
 * user following the guide would; files the guide shows (fenced YAML starting with "# name") are
 * written first. The guide cannot drift from what the code does.
 */
@Tag("slow")
class GuideIT {
  @TempDir Path work;

  @Test
  void everyCommandInTheGuideWorks() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    List<String> lines = Files.readAllLines(repo.resolve("docs/guide.md"));
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i).trim();
      if (!fence.startsWith("```") || fence.length() == 3) {
        continue;
      }
      List<String> block = new ArrayList<>();
      int j = i + 1;
      while (!lines.get(j).trim().equals("```")) {
        block.add(lines.get(j));
        j++;
      }
      if (fence.equals("```yaml") && block.get(0).startsWith("# ")) {
        Files.writeString(work.resolve(block.get(0).substring(2).trim()), String.join("\n", block) + "\n");
      } else if (fence.equals("```bash")) {
        for (String cmd : block) {
          if (cmd.startsWith("bin/egotune ")) {
            commands.add(Arrays.asList(cmd.trim().split("\\s+")));
          }
        }
      }
      i = j;
    }
    assertTrue(commands.size() >= 12, "the guide shows its commands: " + commands.size());
    for (List<String> c : commands) {
      List<String> argv = new ArrayList<>(c);
      argv.set(0, repo.resolve("bin/egotune").toString());
      ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
          .redirectOutput(work.resolve("guide.log").toFile());
      pb.environment().put("OMP_NUM_THREADS", "1");
      pb.environment().put("EGOTUNE_JAVA_OPTS", "-Xmx3g");
      Process p = pb.start();
      boolean done = p.waitFor(10, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
      }
      String log = Files.readString(work.resolve("guide.log"));
      assertTrue(done, "timed out: " + String.join(" ", c));
      assertEquals(0, p.exitValue(), String.join(" ", c) + " failed:\n" + log);
      Files.writeString(work.resolve("all.log"), "$ " + String.join(" ", c) + "\n" + log,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
    for (String f : List.of("qs/export/card.json", "shards/egomask-train/manifest.json",
        "run1/checkpoints/latest", "run1/metrics.json", "sweep/table.md", "sweep/plot.png",
        "run1/export/model.fb", "run1/export/card.json", "run1/export/model.safetensors",
        "run1/weights/model.safetensors")) {
      assertTrue(Files.exists(work.resolve(f)), f + " is produced by the guide's commands");
    }
    String all = Files.readString(work.resolve("all.log"));
    assertTrue(all.contains("resuming from"), "the --resume step resumes");
    assertFalse(Files.exists(work.resolve("run1/weights/model.fb")), "--format safetensors writes only that");
    com.fasterxml.jackson.databind.JsonNode card = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(work.resolve("run1/export/card.json").toFile());
    assertTrue(card.path("metrics").path("full").path("J&F").isNumber(), "export --benchmark scores into the card: " + card);
    if (Files.isDirectory(Path.of("..", ".git"))) {
      assertTrue(card.path("gitCommit").asText().matches("[0-9a-f]{40}"), "the commit: " + card.path("gitCommit"));
    }
    File[] preds = work.resolve("preds").toFile().listFiles();
    assertFalse(preds == null || preds.length == 0, "predictions are written");
  }
}
