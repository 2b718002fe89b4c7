package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.junit.jupiter.api.Test;

/**
 * The round-cost table of docs/cluster.md ("The cost of a training round") is computed from the
 * presets' parameter counts and the byte formulas above it, for 8 nodes x 8 GPUs. Run with
 * {@code -Degotune.writeDocs=true} to write the table into the page.
 */
class RoundCostDocTest {
  static final Path DOC = Path.of("..", "docs", "cluster.md");
  static final String HEADER = "| | flat into driver | two-level into driver | broadcast | total flat | total two-level |\n"
      + "|---|---|---|---|---|---|\n";
  static final int NODES = 8;
  static final int WORKERS = 64;

  /** Decimal megabytes below 1 GB, gigabytes above, as the page writes them. */
  static String bytes(double b) {
    return b >= 1e9 ? String.format(Locale.ROOT, "%.2f GB", b / 1e9) : String.format(Locale.ROOT, "%.1f MB", b / 1e6);
  }

  /** One row: 12P W flat and 24P N two-level into the driver, 12P N broadcast, and the totals. */
  static String row(String preset, long p) {
    return String.format(Locale.ROOT, "| `%s`, P = %,d | %s | %s | %s | %s | %s |\n", preset, p,
        bytes(12.0 * p * WORKERS), bytes(24.0 * p * NODES), bytes(12.0 * p * NODES),
        bytes(12.0 * p * (NODES + WORKERS)), bytes(36.0 * p * NODES));
  }

  static String table() {
    StringBuilder sb = new StringBuilder(HEADER);
    for (String preset : List.of(ModelConfig.TINY, ModelConfig.SAM2_FULL)) {
      sb.append(row(preset, SegModel.build(ModelConfig.preset(preset, 7L)).params().size()));
    }
    return sb.toString();
  }

  @Test
  void theCostTableIsComputedFromThePresets() throws Exception {
    String expected = table();
    String doc = Files.readString(DOC);
    int start = doc.indexOf(HEADER);
    assertTrue(start >= 0, DOC + " lacks the round-cost table header");
    int end = doc.indexOf("\n\n", start) + 1;
    if (Boolean.getBoolean("egotune.writeDocs")) {
      Files.writeString(DOC, doc.substring(0, start) + expected + doc.substring(end));
      doc = Files.readString(DOC);
      end = doc.indexOf("\n\n", start) + 1;
    }
    assertEquals(expected, doc.substring(start, end), DOC + " disagrees with the presets; the table should"
        + " read (or run RoundCostDocTest with -Degotune.writeDocs=true):\n" + expected);
  }

  @Test
  void byteFormulasMatchTheHandWorkedTinyRow() {
    // P = 1,000: 12 kB x 64 = 768 kB flat, 24 kB x 8 = 192 kB two-level, 96 kB broadcast.
    assertEquals("| `x`, P = 1,000 | 0.8 MB | 0.2 MB | 0.1 MB | 0.9 MB | 0.3 MB |\n", row("x", 1000));
  }
}
