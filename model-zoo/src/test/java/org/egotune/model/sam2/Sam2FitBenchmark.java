package org.egotune.model.sam2;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.egotune.model.Backend;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

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
    MaskBceSetup.attach(d, 1e-4);
    SameDiff sd = d.sameDiff();
    out.printf("preset %s batch %d params %d build %.2f s%n", args[0], batch, d.params().size(), secs(t));
    INDArray[] in = Sam2DecoderTest.inputs(cfg, batch, 7L);
    INDArray y = MaskBceSetup.target(in);
    Map<String, INDArray> ph = MaskBceSetup.placeholders(in, y);
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
    out.printf("loss after %d steps %.5f%n", repeats + 1, sd.output(ph, MaskBceSetup.LOSS).get(MaskBceSetup.LOSS).getDouble(0));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
