package org.egotune.model.sam2;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.egotune.model.Backend;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Not a unit test: times forward and {@code sd.fit} (forward + backward + Adam) of a decoder preset.
 * Run from model-zoo after {@code mvn -o test-compile}:
 *
 * <pre>
 * CP=target/test-classes:target/classes:$(mvn -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
 * OMP_NUM_THREADS=2 java -Dorg.bytedeco.javacpp.platform.extension=-onednn -Xmx8g -cp $CP \
 *     org.egotune.model.sam2.Sam2FitBenchmark full 5 3
 * </pre>
 *
 * Arguments: preset (full | small), batch, timed repeats, optionally a profile output file. Prints one line per measurement to stdout
 * (this is a command-line tool, not library code).
 */
final class Sam2FitBenchmark {
  private Sam2FitBenchmark() {}

  public static void main(String[] args) {
    Backend.configure();
    Sam2DecoderConfig cfg = "small".equals(args[0]) ? Sam2DecoderConfig.small() : Sam2DecoderConfig.full();
    int batch = Integer.parseInt(args[1]);
    int repeats = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    long t = System.nanoTime();
    Sam2Decoder d = Sam2Decoder.build(cfg, 1L);
    SameDiff sd = d.sameDiff();
    sd.placeHolder("target", DataType.FLOAT, -1, 1, cfg.maskSize(), cfg.maskSize());
    Sam2ParityTest.bce(sd, sd.getVariable(Sam2Decoder.MASK_LOGITS), sd.getVariable("target")).rename("loss");
    sd.setLossVariables("loss");
    sd.setTrainingConfig(TrainingConfig.builder()
        .updater(new Adam(1e-4))
        .dataSetFeatureMapping(Sam2Decoder.IMAGE_EMBEDDINGS, Sam2Decoder.HIGH_RES_S0,
            Sam2Decoder.HIGH_RES_S1, Sam2Decoder.SEG_HIDDEN)
        .dataSetLabelMapping("target")
        .build());
    out.printf("preset %s batch %d params %d build %.2f s%n", args[0], batch, d.params().size(), secs(t));
    INDArray[] in = Sam2DecoderTest.inputs(cfg, batch, 7L);
    INDArray y = in[1].get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)).gt(0).castTo(DataType.FLOAT);
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(Sam2Decoder.IMAGE_EMBEDDINGS, in[0]);
    ph.put(Sam2Decoder.HIGH_RES_S0, in[1]);
    ph.put(Sam2Decoder.HIGH_RES_S1, in[2]);
    ph.put(Sam2Decoder.SEG_HIDDEN, in[3]);
    double[] fwd = new double[repeats + 1];
    for (int i = 0; i <= repeats; i++) {
      t = System.nanoTime();
      d.predict(in[0], in[1], in[2], in[3]);
      fwd[i] = secs(t);
    }
    out.printf("forward (predict) s: first %.3f, then %s%n", fwd[0], Arrays.toString(Arrays.copyOfRange(fwd, 1, fwd.length)));
    MultiDataSet mds = new MultiDataSet(in, new INDArray[] {y});
    if (args.length > 3) {
      // Optional Chrome-trace profile of the fit steps after the first (aggregate by op name).
      sd.setListeners(ProfilingListener.builder(new java.io.File(args[3])).recordAll().warmup(1).build());
    }
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    double[] fit = new double[repeats + 1];
    try {
      for (int i = 0; i <= repeats; i++) {
        t = System.nanoTime();
        sd.fit(mds);
        fit[i] = secs(t);
      }
    } finally {
      System.setOut(out);
    }
    out.printf("fit (fwd+bwd+Adam) s: first %.3f (builds the gradient graph), then %s%n", fit[0],
        Arrays.toString(Arrays.copyOfRange(fit, 1, fit.length)));
    ph.put("target", y);
    out.printf("loss after %d steps %.5f%n", repeats + 1, sd.output(ph, "loss").get("loss").getDouble(0));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
