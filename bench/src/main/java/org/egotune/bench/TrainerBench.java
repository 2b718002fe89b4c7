package org.egotune.bench;

import java.util.Arrays;
import java.util.Locale;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.Batch;
import org.egotune.trainer.loop.LocalTrainer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * {@code egotune bench trainer}: samples/s of {@link LocalTrainer} (its own gradient step: clipping,
 * accumulation, AdamW) against a plain SameDiff loop ({@code sd.fit} with ND4J's AdamW) on the same
 * network and the same batches, no checkpoints. The two alternate within every repeat so that the
 * noise of a shared machine hits both alike; the ratio is taken per repeat.
 */
final class TrainerBench {
  private TrainerBench() {}

  /** Median and spread of each side and of the per-repeat ratio, as printed. */
  record Result(double[] ours, double[] plain, double[] ratio) {
    static double median(double[] v) {
      double[] s = v.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String stats(double[] v) {
      double[] s = v.clone();
      Arrays.sort(s);
      return String.format(Locale.ROOT, "median %.3f  min %.3f  max %.3f", median(v), s[0],
          s[s.length - 1]);
    }
  }

  /** Runs both loops; {@code tc} must use the dense loss, the only one a plain loop has. */
  static Result run(ModelConfig mc, TrainConfig tc, int steps, int repeats, int warmup) {
    LocalTrainer ours = new LocalTrainer(mc, tc);
    SameDiff plain = LocalTrainer.plainFitReference(mc, tc);
    Batch[] batches = new Batch[4];
    MultiDataSet[] plainData = new MultiDataSet[batches.length];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = BenchCommand.randomBatch(mc, tc.batchSize(), tc.framesPerSample(), i);
      plainData[i] = LocalTrainer.plainFitData(mc, batches[i]);
    }
    for (int i = 0; i < warmup; i++) {
      ours.step(batches[i % batches.length]);
      plain.fit(plainData[i % batches.length]);
    }
    double[] o = new double[repeats];
    double[] p = new double[repeats];
    double[] r = new double[repeats];
    for (int rep = 0; rep < repeats; rep++) {
      // Alternate which side goes first, so neither always runs on a warmer machine.
      boolean oursFirst = rep % 2 == 0;
      for (int side = 0; side < 2; side++) {
        boolean isOurs = (side == 0) == oursFirst;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          if (isOurs) {
            ours.step(batches[i % batches.length]);
          } else {
            plain.fit(plainData[i % batches.length]);
          }
        }
        double samplesPerSec = (double) steps * tc.batchSize() / ((System.nanoTime() - t0) / 1e9);
        if (isOurs) {
          o[rep] = samplesPerSec;
        } else {
          p[rep] = samplesPerSec;
        }
      }
      r[rep] = o[rep] / p[rep];
    }
    return new Result(o, p, r);
  }
}
