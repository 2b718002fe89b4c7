package org.egotune.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code egotune bench} as bin/egotune runs it: the egotune command line with the benchmarks in it. */
class BenchCliTest {
  /** Exit code and everything printed (stdout, then stderr). */
  record Run(int code, String text) {}

  static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
        PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
      System.setOut(po);
      System.setErr(pe);
      int code = BenchCli.execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void benchHelpListsEveryBenchmarkUnderEgotune() {
    Run r = run("bench", "--help");
    assertEquals(0, r.code(), r.text());
    assertTrue(r.text().contains("Usage: egotune bench"), r.text());
    for (String sub : List.of("step", "data", "trainer", "round", "decoder", "features")) {
      assertTrue(r.text().contains(sub), sub + " in\n" + r.text());
    }
    Run top = run("--help");
    assertTrue(top.text().contains("Commands:") && top.text().contains("  bench "), top.text());
  }

  @Test
  void badArgumentsAreUserErrorsAsBefore() {
    Run none = run("bench");
    assertEquals(2, none.code(), none.text());
    assertTrue(none.text().contains("bench: name a benchmark: step, data, trainer, round, decoder or features"), none.text());
    Run steps = run("bench", "step", "--steps", "0");
    assertEquals(2, steps.code(), steps.text());
    assertTrue(steps.text().contains(
        "egotune step: error: bench: --steps and --repeats must be >= 1 and --warmup >= 0"), steps.text());
  }

  @Test
  void stepPrintsItsTwoLines() {
    Run r = run("bench", "step", "--preset", "tiny", "--batch", "2", "--steps", "1", "--repeats", "1",
        "--warmup", "0");
    assertEquals(0, r.code(), r.text());
    assertTrue(r.text().contains("backend "), r.text());
    assertTrue(r.text().matches("(?s).*model tiny \\([\\d]+ parameters, mask \\d+x\\d+\\), batch 2 frames;"
        + " 1 repeats x 1 steps\n.*ms/step: median .*"), r.text());
  }

  @Test
  void stepTimesADepthPresetOnClips() {
    Run r = run("bench", "step", "--preset", "egodtm-depth-small", "--batch", "4", "--steps", "1", "--repeats", "1",
        "--warmup", "0");
    assertEquals(0, r.code(), r.text());
    assertTrue(r.text().matches("(?s).*model egodtm-depth-small \\(55161 parameters, mask 32x32\\), batch 4 frames;"
        + " 1 repeats x 1 steps\n.*ms/step: median .*"), r.text());
  }
}
