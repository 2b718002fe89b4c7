package org.egotune.cluster.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;

/**
 * The child process of {@link CheckpointKillIT}: a state that evolves step by step (each step
 * depends on every bit of the previous one, as training does) checkpointed after every step, with
 * vectors large enough (6 MB a checkpoint) that most of the process's time goes into writing
 * them. It resumes from the store's choice, so a wrong or torn checkpoint shows in the final state.
 * Args: checkpoint dir, total steps.
 */
final class CheckpointWriterMain {
  static final int PARAMS = 400_000;
  static final int OPTIMIZER = 800_000;

  private CheckpointWriterMain() {}

  public static void main(String[] args) {
    CheckpointStore store = new CheckpointStore(new Configuration(), new Path(args[0]), 2);
    int steps = Integer.parseInt(args[1]);
    float[] p = new float[PARAMS];
    float[] o = new float[OPTIMIZER];
    int step = 0;
    var resumed = store.loadForResume();
    if (resumed.isPresent()) {
      p = resumed.get().params();
      o = resumed.get().optimizer();
      step = resumed.get().step();
    }
    System.out.println("start " + step);
    while (step < steps) {
      step++;
      advance(p, o, step);
      store.save(new CheckpointData(step, step, step * 10L, p, o,
          new ObjectMapper().createObjectNode().put("writer", "kill-test")), Map.of("extra.bin", extra(step)));
      System.out.println("saved " + step);
    }
  }

  /** One step: every value depends on its previous bits and on the step. */
  static void advance(float[] p, float[] o, int step) {
    for (int i = 0; i < p.length; i++) {
      p[i] = p[i] * 0.999f + (float) StrictMath.sin(step * 0.37 + i * 1e-3) * 1e-2f;
    }
    for (int i = 0; i < o.length; i++) {
      o[i] = o[i] * 0.9f + p[i % p.length] * p[i % p.length];
    }
  }

  static byte[] extra(int step) {
    byte[] b = new byte[1_000_000];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 7 + step);
    }
    return b;
  }
}
