package org.egotune.model.sam2;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.model.io.Safetensors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Not a unit test: writes a freshly initialised small decoder's weights plus random inputs and the
 * Java outputs to one safetensors file, for {@code src/test/resources/sam2/check_export.py} to load
 * into the PyTorch reference by name (strict) and compare. CI has no torch, so this direction is
 * checked by hand; run with the classpath shown in {@link Sam2FitBenchmark} and the output path.
 */
final class Sam2ExportSample {
  private Sam2ExportSample() {}

  public static void main(String[] args) throws Exception {
    Sam2Decoder d = Sam2Decoder.build(Sam2DecoderConfig.small(), 5L);
    INDArray[] in = Sam2DecoderTest.inputs(d.config(), 2, 13L);
    Map<String, INDArray> out = d.predict(in[0], in[1], in[2], in[3]);
    Map<String, INDArray> all = new LinkedHashMap<>(d.stateDict());
    String[] names = {Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0, Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN};
    for (int i = 0; i < names.length; i++) {
      all.put("input." + names[i], in[i]);
    }
    out.forEach((k, v) -> all.put("output." + k, v));
    Safetensors.write(Path.of(args[0]), all, Map.of("format", "pt", "writer", "Sam2ExportSample"));
  }
}
