package org.egotune.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.eval.Evaluator;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.DepthMetrics;
import org.egotune.trainer.metrics.MetricTable;

/** Loads a checkpoint's model and scores it on benchmark records. */
public final class CheckpointEvaluation {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointEvaluation() {}

  /** A checkpoint directory itself, or the latest one under a checkpoint root. */
  public static Path resolve(Configuration conf, String dirOrRoot) {
    Path p = new Path(dirOrRoot);
    try {
      if (p.getFileSystem(conf).exists(new Path(p, "meta.json"))) {
        return p;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
    return new CheckpointStore(conf, p, Integer.MAX_VALUE).latestDir().orElseThrow(
        () -> new IllegalArgumentException(dirOrRoot + " is neither a checkpoint (no meta.json) nor a"
            + " directory holding checkpoints"));
  }

  /** The model config a checkpoint (or the latest under a root) was trained with. */
  public static ModelConfig modelConfig(Configuration conf, String dirOrRoot) {
    Path ckpt = resolve(conf, dirOrRoot);
    CheckpointData c = new CheckpointStore(conf, ckpt.getParent(), Integer.MAX_VALUE).load(ckpt);
    return modelConfig(ckpt, c);
  }

  private static ModelConfig modelConfig(Path ckpt, CheckpointData c) {
    try {
      return JSON.treeToValue(c.meta().path("config").path("model"), ModelConfig.class);
    } catch (IOException e) {
      throw new IllegalStateException(ckpt + "/meta.json: config does not describe a model: " + e.getMessage(), e);
    }
  }

  /**
   * Scores the depth-preset checkpoint at {@code dirOrRoot} on the prepared depth datasets
   * {@code datasets} ({@link DepthEvaluation}), reading their features under {@code featuresRoot}.
   */
  public static Map<String, DepthMetrics.Table> evaluateDepth(Configuration conf, String dirOrRoot,
      List<Path> datasets, Path featuresRoot) {
    Path ckpt = resolve(conf, dirOrRoot);
    CheckpointData c = new CheckpointStore(conf, ckpt.getParent(), Integer.MAX_VALUE).load(ckpt);
    ModelConfig mc = modelConfig(ckpt, c);
    if (!mc.predictsDepth()) {
      throw new IllegalArgumentException(ckpt + " is a " + mc.preset() + " checkpoint, which predicts masks:"
          + " --kind depth scores the depth presets (" + ModelConfig.DEPTH_SMALL + ", " + ModelConfig.DEPTH_FULL + ")");
    }
    SegModel model = SegModel.withParams(mc, c.params());
    return DepthEvaluation.evaluate(conf, model, datasets, new FeatureStore(conf, featuresRoot, mc, 8));
  }

  /** Scores the checkpoint at {@code dirOrRoot} on {@code records}, by split. */
  public static Map<String, MetricTable.Summary> evaluate(
      Configuration conf, String dirOrRoot, List<ClipRecord> records) {
    return evaluate(conf, dirOrRoot, records, null);
  }

  /** As above; also writes the predictions in EgoMask's layout under {@code writePredictions}. */
  public static Map<String, MetricTable.Summary> evaluate(
      Configuration conf, String dirOrRoot, List<ClipRecord> records, java.nio.file.Path writePredictions) {
    return evaluate(conf, dirOrRoot, records, writePredictions, null);
  }

  /**
   * As above, for any preset: a feature preset reads the benchmark's features from
   * {@code featuresRoot} ({@code <benchmark>/features}, see docs/models.md); tiny ignores it.
   */
  public static Map<String, MetricTable.Summary> evaluate(Configuration conf, String dirOrRoot,
      List<ClipRecord> records, java.nio.file.Path writePredictions, String featuresRoot) {
    Loaded l = load(conf, dirOrRoot);
    ModelConfig mc = l.model().config();
    FeatureStore features = mc.usesFeatures() && featuresRoot != null
        ? new FeatureStore(conf, new Path(featuresRoot), mc, 8) : null;
    return new Evaluator(conf, l.train().maskThreshold(), l.train().presenceThreshold(), features)
        .evaluate(l.model(), records, writePredictions);
  }

  /** A checkpoint's model with the train section it was trained with. */
  public record Loaded(SegModel model, TrainConfig train) {}

  /** Loads the checkpoint at {@code dirOrRoot} (a checkpoint, or the latest under a root). */
  public static Loaded load(Configuration conf, String dirOrRoot) {
    Path ckpt = resolve(conf, dirOrRoot);
    CheckpointData c = new CheckpointStore(conf, ckpt.getParent(), Integer.MAX_VALUE).load(ckpt);
    ModelConfig mc = modelConfig(ckpt, c);
    if (mc.predictsDepth()) {
      throw new IllegalArgumentException(ckpt + " is a " + mc.preset() + " checkpoint, which predicts depth:"
          + " score it with 'evaluate --kind depth' on a prepared depth dataset");
    }
    try {
      // Laid over today's defaults: a checkpoint written before a train field existed still loads.
      ObjectNode train = JSON.valueToTree(TrainConfig.defaults());
      if (c.meta().path("config").path("train").isObject()) {
        train.setAll((ObjectNode) c.meta().path("config").path("train"));
      }
      return new Loaded(SegModel.withParams(mc, c.params()), JSON.treeToValue(train, TrainConfig.class));
    } catch (IOException e) {
      throw new IllegalStateException(ckpt + "/meta.json: config does not describe a model: " + e.getMessage(), e);
    }
  }
}
