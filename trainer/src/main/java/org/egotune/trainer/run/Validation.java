package org.egotune.trainer.run;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.JobConfig;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.SegModel;
import org.egotune.trainer.eval.DepthEvaluation;
import org.egotune.trainer.eval.Evaluator;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.DepthMetrics;
import org.egotune.trainer.metrics.MetricTable;

/**
 * Scores the averaged parameters on {@code data.benchmark} / {@code data.split} every {@code
 * train.evalEvery} steps, on the driver, for the run's validation curve. The benchmark is read once.
 * For a depth preset {@code data.benchmark} is a prepared depth dataset (or a shards root of them)
 * with its feature shards, scored by {@link DepthEvaluation} ({@code data.split} does not apply),
 * and the metrics are {@link DepthMetrics.Table#asMap()}'s.
 */
final class Validation {
  private final JobConfig cfg;
  private final List<ClipRecord> records;
  private final List<org.apache.hadoop.fs.Path> depthDatasets;

  private Validation(JobConfig cfg, List<ClipRecord> records, List<org.apache.hadoop.fs.Path> depthDatasets) {
    this.cfg = cfg;
    this.records = records;
    this.depthDatasets = depthDatasets;
  }

  /** Null when {@code train.evalEvery} is 0; an error naming the keys when it has no benchmark. */
  static Validation of(JobConfig cfg) {
    int every = cfg.train().evalEvery();
    if (every == 0) {
      return null;
    }
    String bench = cfg.data().benchmark();
    if (bench == null || bench.isBlank()) {
      throw new IllegalArgumentException("train.evalEvery is " + every + " but data.benchmark is not"
          + " set: name the benchmark to validate on (an EgoMask-layout benchmark; for a depth preset a"
          + " prepared depth split) or set train.evalEvery: 0");
    }
    if (cfg.model().predictsDepth()) {
      try {
        return new Validation(cfg, null, DepthEvaluation.datasets(new Configuration(), bench));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("data.benchmark (for train.evalEvery with model.preset "
            + cfg.model().preset() + "): " + e.getMessage(), e);
      }
    }
    try {
      return new Validation(cfg, EgoMaskBenchReader.read(Path.of(bench), cfg.data().split()), null);
    } catch (DatasetFormatException e) {
      throw new IllegalArgumentException("data.benchmark " + bench + " (for train.evalEvery): "
          + e.getMessage(), e);
    }
  }

  /** Whether the round that ended at {@code step}, having started at {@code from}, is validated. */
  boolean due(int from, int step) {
    int every = cfg.train().evalEvery();
    return step / every > from / every || step == cfg.train().steps();
  }

  /** The benchmark metrics of {@code params} (EgoMask names, x100) on the configured split. */
  Map<String, Double> score(float[] params) {
    SegModel model = SegModel.withParams(cfg.model(), params);
    if (depthDatasets != null) {
      Configuration conf = new Configuration();
      Map<String, DepthMetrics.Table> t = DepthEvaluation.evaluate(conf, model, depthDatasets,
          new FeatureStore(conf, DepthEvaluation.defaultFeatures(depthDatasets), cfg.model(), 8));
      return t.containsKey(DepthEvaluation.ALL) ? t.get(DepthEvaluation.ALL).asMap()
          : t.values().iterator().next().asMap();
    }
    Map<String, MetricTable.Summary> bySplit =
        new Evaluator(new Configuration(), cfg.train().maskThreshold(), cfg.train().presenceThreshold())
            .evaluate(model, records);
    String split = cfg.data().split();
    MetricTable.Summary s = bySplit.containsKey(split) ? bySplit.get(split)
        : bySplit.values().stream().reduce((a, b) -> b).orElseThrow();
    Map<String, Double> out = new LinkedHashMap<>();
    s.toJson().forEach((k, v) -> out.put(k, (Double) v));
    return out;
  }
}
