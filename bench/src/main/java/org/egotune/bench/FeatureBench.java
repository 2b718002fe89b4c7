package org.egotune.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.trainer.eval.Evaluator;
import org.egotune.trainer.features.FeatureDtype;
import org.egotune.trainer.features.FeatureGeneration;
import org.egotune.trainer.features.FeatureIndex;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.metrics.MetricTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code egotune bench features}: what storing feature shards as BF16 / F16 instead of F32 costs
 * and saves. For one benchmark (given, or generated) it writes the same synthetic features at every
 * dtype and reports bytes per frame, the per-tensor read rate of {@link FeatureStore} (widening
 * included), the decoder's largest logit difference against F32 on the same frames, and the
 * benchmark metrics per dtype (of a checkpoint when given, else of the seeded initial model).
 */
final class FeatureBench {
  /** What to run. */
  record Options(String preset, Path benchmark, String checkpoint, long seed, int videos, int frames,
      int size, int repeats, int logitFrames) {}

  private FeatureBench() {}

  static void run(Options o, Path work) throws IOException {
    Configuration conf = new Configuration();
    ModelConfig mc = ModelConfig.preset(o.preset(), 7L);
    Path bench = o.benchmark();
    if (bench == null) {
      bench = work.resolve("bench");
      SyntheticDatasets.generate(new SynthConfig(Layout.EGOMASK_BENCH, o.seed(), o.videos(), o.frames(),
          o.size(), o.size()), bench);
    }
    List<ClipRecord> records = EgoMaskBenchReader.read(bench, "full");
    System.out.printf("bench features: preset %s, benchmark %s (%d expressions), one thread%n", mc.preset(),
        bench, records.size());
    Map<FeatureDtype, FeatureStore> stores = new EnumMap<>(FeatureDtype.class);
    Map<FeatureDtype, String> roots = new EnumMap<>(FeatureDtype.class);
    for (FeatureDtype d : FeatureDtype.values()) {
      Path root = work.resolve("features-" + d.id());
      long t0 = System.nanoTime();
      List<FeatureIndex> idx = FeatureGeneration.forBenchmark(conf, bench,
          new org.apache.hadoop.fs.Path(root.toUri()), mc, o.seed(), d, true);
      double genSeconds = (System.nanoTime() - t0) / 1e9;
      long bytes = 0;
      long frames = 0;
      long expressions = 0;
      for (FeatureIndex i : idx) {
        frames += i.frames().size();
        expressions += i.expressions().size();
        for (FeatureIndex.Shard s : i.shards()) {
          bytes += s.bytes();
        }
      }
      long segBytes = expressions * d.bytes() * SegModel.inputShapes(mc).get(
          org.egotune.model.sam2.Sam2Decoder.SEG_HIDDEN)[1];
      System.out.printf("%-4s: %d frames, %d expressions, %,d bytes in %d shards: %,.0f bytes per frame"
          + " (per-frame tensors and headers; the [SEG] states add %,.0f per expression); written in %.1f s%n",
          d.id(), frames, expressions, bytes, idx.stream().mapToInt(i -> i.shards().size()).sum(),
          (bytes - segBytes) / (double) frames, segBytes / (double) expressions, genSeconds);
      roots.put(d, root.toString());
      stores.put(d, new FeatureStore(conf, new org.apache.hadoop.fs.Path(root.toUri()), mc, 8));
    }

    // Read rate: every frame's per-frame inputs and every expression's [SEG] state, as BatchMaker
    // asks for them, after two untimed passes (the page cache holds the shards: this is the CPU cost
    // of the reads and the widening, not of the disk).
    Map<String, long[]> shapes = SegModel.inputShapes(mc);
    for (FeatureDtype d : FeatureDtype.values()) {
      FeatureStore store = stores.get(d);
      readAll(store, records, shapes); // opens the shards (an F32 shard's SHA-256 is checked once)
      long w0 = System.nanoTime();
      readAll(store, records, shapes);
      // Enough passes per timed repeat for about half a second: a single pass of a small benchmark
      // takes milliseconds, too short to time on a shared machine.
      int passes = (int) Math.max(1, Math.min(1000, 0.5e9 / Math.max(1, System.nanoTime() - w0)));
      double[] rates = new double[o.repeats()];
      long values = 0;
      int lookups = 0;
      for (int r = 0; r < o.repeats(); r++) {
        long t0 = System.nanoTime();
        long[] counted = null;
        for (int p = 0; p < passes; p++) {
          counted = readAll(store, records, shapes);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        values = counted[0];
        lookups = (int) counted[1];
        rates[r] = passes * counted[2] / s;
      }
      DataBench.Stat st = DataBench.Stat.of(rates);
      System.out.printf("%-4s read: %s frames/s = %.0f MB/s as f32 (median, min..max of %d repeats of %d passes;"
          + " a pass: %d lookups, %,.1f MB as f32)%n", d.id(), st, st.median() * values * 4 / 1e6 / records.stream()
          .mapToInt(r -> r.frameNames().size()).sum(), o.repeats(), passes, lookups, values * 4 / 1e6);
    }

    // The decoder on the same frames from each dtype's shards.
    String what = o.checkpoint() != null ? "checkpoint " + o.checkpoint() : "the seeded initial model";
    SegModel model = o.checkpoint() != null ? CheckpointEvaluation.load(conf, o.checkpoint()).model() : SegModel.build(mc);
    Map<FeatureDtype, List<float[]>> logits = new EnumMap<>(FeatureDtype.class);
    for (FeatureDtype d : FeatureDtype.values()) {
      logits.put(d, logits(model, stores.get(d), records, shapes, o.logitFrames()));
    }
    float[] ref = concat(logits.get(FeatureDtype.F32));
    double refMax = 0;
    for (float v : ref) {
      refMax = Math.max(refMax, Math.abs(v));
    }
    for (FeatureDtype d : List.of(FeatureDtype.BF16, FeatureDtype.F16)) {
      float[] got = concat(logits.get(d));
      double max = 0;
      double sum = 0;
      for (int i = 0; i < ref.length; i++) {
        double e = Math.abs(got[i] - ref[i]);
        max = Math.max(max, e);
        sum += e;
      }
      System.out.printf("%-4s vs f32, mask logits of %s (%s) on %d frames: max |diff| %.3g,"
          + " mean %.3g (max |logit| %.3g)%n", d.id(), what, mc.preset(), ref.length / (mc.maskSize() * mc.maskSize()),
          max, sum / ref.length, refMax);
    }

    // Benchmark metrics per dtype.
    for (FeatureDtype d : FeatureDtype.values()) {
      Map<String, MetricTable.Summary> m = o.checkpoint() != null
          ? CheckpointEvaluation.evaluate(conf, o.checkpoint(), records, null, roots.get(d))
          : new Evaluator(conf, TrainConfig.defaults().maskThreshold(), TrainConfig.defaults().presenceThreshold(),
              stores.get(d)).evaluate(model, records);
      MetricTable.Summary full = m.get("full");
      System.out.printf("%-4s metrics of %s (full, %d expressions, in %%): J %.4f  F %.4f  J&F %.4f"
          + "  IoU(gold or predicted) %.4f%n", d.id(), what, full.expressions(), full.J(), full.F(), full.JandF(),
          full.iouGoldWithPred());
    }
  }

  /** Reads what a pass over {@code records} reads; returns values read, lookups and frames. */
  private static long[] readAll(FeatureStore store, List<ClipRecord> records, Map<String, long[]> shapes) {
    long values = 0;
    long lookups = 0;
    long frames = 0;
    for (ClipRecord r : records) {
      for (int f = 0; f < r.frameNames().size(); f++) {
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
          values += store.row(e.getKey(), e.getValue(), r, f).length;
          lookups++;
        }
        frames++;
      }
    }
    return new long[] {values, lookups, frames};
  }

  /** Mask logits of the first {@code n} frames of {@code records}, one frame per forward pass. */
  private static List<float[]> logits(SegModel model, FeatureStore store, List<ClipRecord> records,
      Map<String, long[]> shapes, int n) {
    List<float[]> out = new ArrayList<>();
    for (ClipRecord r : records) {
      for (int f = 0; f < r.frameNames().size() && out.size() < n; f++) {
        Map<String, INDArray> in = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
          long[] shape = e.getValue().clone();
          shape[0] = 1;
          in.put(e.getKey(), Nd4j.create(store.row(e.getKey(), e.getValue(), r, f), shape, 'c'));
        }
        out.add(model.predict(in)[0].castTo(DataType.FLOAT).data().asFloat());
      }
    }
    return out;
  }

  private static float[] concat(List<float[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
