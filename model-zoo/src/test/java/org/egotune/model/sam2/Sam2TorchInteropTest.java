package org.egotune.model.sam2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.egotune.model.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Safetensors files cross between EgoTune and the PyTorch reference decoder by Sa2VA key, both
 * ways, with {@code load_state_dict(strict=True)} on the PyTorch side and strict loading here; the
 * outputs on the same inputs agree to 1e-4. Runs only where {@code /usr/bin/python3} imports torch
 * (Debian's python3-torch); CI has no python, and there {@link Sam2ParityTest} (a PyTorch-written
 * file loaded strictly) and {@link Sam2DecoderTest} (every Sa2VA key and shape) stand in for it.
 */
class Sam2TorchInteropTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static Path script;

  @BeforeAll
  static void needsTorch() throws Exception {
    script = Path.of(Sam2TorchInteropTest.class.getResource("/sam2/check_export.py").toURI());
    boolean torch = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch")).exitCode == 0;
    assumeTrue(torch, "no /usr/bin/python3 with torch: the PyTorch side of the interchange is not checked here");
  }

  @Test
  void egotuneFileLoadsIntoPyTorchStrictlyAndGivesTheSameOutputs(@TempDir Path dir) throws Exception {
    Sam2Decoder d = Sam2Decoder.build(Sam2DecoderConfig.small(), 5L);
    INDArray[] in = Sam2DecoderTest.inputs(d.config(), 2, 13L);
    Map<String, INDArray> all = new LinkedHashMap<>(d.stateDict());
    String[] names = {Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN};
    for (int i = 0; i < names.length; i++) {
      all.put("input." + names[i], in[i]);
    }
    d.predict(in[0], in[1], in[2], in[3]).forEach((k, v) -> all.put("output." + k, v));
    Path file = dir.resolve("egotune.safetensors");
    Safetensors.write(file, all, Map.of("format", "pt"));

    Result r = run(List.of(PYTHON.toString(), script.toString(), file.toString()));
    assertEquals(0, r.exitCode, r.output);
    assertTrue(r.output.contains(d.stateDict().size() + " tensors loaded strictly by name"), r.output);
  }

  @Test
  void pyTorchStateDictLoadsByNameAndGivesTheSameOutputs(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("torch.safetensors");
    Result r = run(List.of(PYTHON.toString(), script.toString(), "--write", file.toString()));
    assertEquals(0, r.exitCode, r.output);
    Map<String, INDArray> t = Safetensors.read(file).tensors();
    Map<String, INDArray> weights = new LinkedHashMap<>();
    t.forEach((k, v) -> {
      if (!k.startsWith("input.") && !k.startsWith("output.")) {
        weights.put(k, v);
      }
    });
    Sam2Decoder d = Sam2Decoder.build(Sam2DecoderConfig.small(), 99L);
    d.loadStateDict(weights, true);
    Map<String, INDArray> out = d.predict(t.get("input." + Sam2Decoder.IMAGE_EMBEDDINGS),
        t.get("input." + Sam2Decoder.HIGH_RES_S0), t.get("input." + Sam2Decoder.HIGH_RES_S1),
        t.get("input." + Sam2Decoder.SEG_HIDDEN));
    for (String name : List.of(Sam2Decoder.LOW_RES_MASKS, Sam2Decoder.IOU_PREDICTIONS,
        Sam2Decoder.OBJECT_SCORE_LOGITS, Sam2Decoder.MASK_LOGITS)) {
      Close.assertClose(name, t.get("output." + name), out.get(name), Sam2ParityTest.RTOL, Sam2ParityTest.ATOL);
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> cmd) throws IOException, InterruptedException {
    Path log = Files.createTempFile("egotune-interop", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after 120 s: " + cmd);
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
