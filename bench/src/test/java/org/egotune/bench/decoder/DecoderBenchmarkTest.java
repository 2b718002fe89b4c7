package org.egotune.bench.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.egotune.model.sam2.Sam2Decoder;
import org.egotune.model.sam2.Sam2DecoderConfig;
import org.junit.jupiter.api.Test;

class DecoderBenchmarkTest {
  private static final Sam2DecoderConfig TINY = new Sam2DecoderConfig(16, 1, 2, 32, 2, 8, 4, 16, 16, 16);

  @Test
  void settingsNameTheBadField() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecoderBenchmark.Settings(0, 1, 1, 0))
        .getMessage().startsWith("batch "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecoderBenchmark.Settings(1, 1, 0, 0))
        .getMessage().startsWith("repeats "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new DecoderBenchmark.Settings(1, 1, 1, -1))
        .getMessage().startsWith("warmup "));
  }

  @Test
  void medianSpreadAndRatiosAsComputedByHand() {
    DecoderBenchmark.Series java = new DecoderBenchmark.Series(new double[] {30, 10, 20, 100});
    DecoderBenchmark.Series torch = new DecoderBenchmark.Series(new double[] {10, 10, 5, 20});
    assertEquals(25.0, java.median()); // (20 + 30) / 2
    assertEquals(10.0, java.min());
    assertEquals(100.0, java.max());
    assertEquals(20.0, new DecoderBenchmark.Series(new double[] {20, 5, 40}).median());
    DecoderBenchmark.Result r = new DecoderBenchmark.Result("x", TINY, new DecoderBenchmark.Settings(1, 1, 4, 0), 1,
        java, torch);
    assertEquals(25.0 / 10.0, r.ratio(), 1e-12);
    // Paired ratios 3, 1, 4, 5: median (3 + 4) / 2.
    assertEquals(3.5, r.pairedRatio(), 1e-12);
    DecoderBenchmark.Result javaOnly = new DecoderBenchmark.Result("x", TINY, r.settings(), 1, java, null);
    assertTrue(Double.isNaN(javaOnly.ratio()) && Double.isNaN(javaOnly.pairedRatio()));
  }

  @Test
  void javaOnlyRunTimesEveryRepeatAndTheProfileNamesOps() throws IOException {
    DecoderBenchmark.Settings s = new DecoderBenchmark.Settings(1, 1, 2, 0);
    DecoderBenchmark.Result r = DecoderBenchmark.run("tiny", TINY, s, null);
    assertEquals(2, r.java().msPerStep().length);
    assertTrue(r.java().min() > 0, "step times must be positive");
    assertNull(r.torch());
    assertEquals(Sam2Decoder.build(TINY, 1L).params().size(), r.params());
    String profile = DecoderBenchmark.profile(TINY, s, 5);
    assertTrue(profile.contains("matmul"), profile);
  }

  @Test
  void missingPythonIsNamed() {
    IOException e = assertThrows(IOException.class,
        () -> TorchReference.start(Path.of("/nonexistent/python3"), Path.of("bench_torch.py"), 1));
    assertTrue(e.getMessage().contains("/nonexistent/python3"), e.getMessage());
  }
}
