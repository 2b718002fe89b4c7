package org.egotune.cluster.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import picocli.CommandLine.Command;

/** {@code egotune models}: the model presets with their parameter counts, inputs and outputs. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the model presets: parameters, inputs and outputs (name and shape, N = batch).")
final class ModelsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    for (String name : ModelConfig.PRESETS) {
      ModelConfig mc = ModelConfig.preset(name, 7L);
      SegModel m = SegModel.build(mc);
      System.out.printf("%s: %s%n", name, mc.description());
      System.out.printf("  parameters: %,d (graph tensors %d)%n", m.params().size(), m.params().entries().size());
      for (Map.Entry<String, long[]> e : m.inputs().entrySet()) {
        System.out.printf("  input  %-18s %s%n", e.getKey(), shape(e.getValue()));
      }
      for (Map.Entry<String, long[]> e : m.outputs().entrySet()) {
        System.out.printf("  output %-18s %s%n", e.getKey(), shape(e.getValue()));
      }
    }
    return 0;
  }

  private static String shape(long[] s) {
    String t = Arrays.toString(s);
    return t.replace("[-1", "[N");
  }
}
