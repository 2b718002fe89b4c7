package org.egotune.trainer.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.reader.EgoMaskPredictions;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.model.SegModel;
import org.egotune.model.text.HashedTokens;
import org.egotune.trainer.data.FeatureSource;
import org.egotune.trainer.data.FrameTensors;
import org.egotune.trainer.metrics.EgoMaskScorer;
import org.egotune.trainer.metrics.MetricTable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a model on EgoMask-layout records: predicts every frame of every expression (a frame's
 * mask is empty when the predicted presence is below the threshold), then applies the EgoMask
 * scorer per expression and averages uniformly per split. Records whose source is
 * {@code egomask-bench/<split>} are grouped by split; when several splits are present a
 * {@code full} row covers them all.
 */
public final class Evaluator {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  private final Configuration conf;
  private final double maskThreshold;
  private final double presenceThreshold;
  private final FeatureSource features;

  /** An evaluator for models that read frames (tiny). */
  public Evaluator(Configuration conf, double maskThreshold, double presenceThreshold) {
    this(conf, maskThreshold, presenceThreshold, null);
  }

  /** An evaluator for any preset; the feature presets need the benchmark's {@code features}. */
  public Evaluator(Configuration conf, double maskThreshold, double presenceThreshold,
      FeatureSource features) {
    this.conf = conf;
    this.maskThreshold = maskThreshold;
    this.presenceThreshold = presenceThreshold;
    this.features = features;
  }

  /** Where the predicted masks of a record come from: a model, or files another model wrote. */
  @FunctionalInterface
  public interface Predictions {
    /** Frame name to predicted mask (only frames where the target is predicted; null = empty). */
    Map<String, Rle> of(ClipRecord record) throws IOException;
  }

  /** Split name to summary, in the order short, medium, long, full (those present). */
  public Map<String, MetricTable.Summary> evaluate(SegModel model, List<ClipRecord> records) {
    return evaluate(model, records, null);
  }

  /**
   * Scores {@code model}; when {@code writePredictions} is set, also writes its predictions there in
   * the layout EgoMask's scorer reads (see {@link EgoMaskPredictions}).
   */
  public Map<String, MetricTable.Summary> evaluate(
      SegModel model, List<ClipRecord> records, java.nio.file.Path writePredictions) {
    return score(records, r -> {
      Map<String, Rle> pred = new LinkedHashMap<>();
      predict(model, r).forEach((k, v) -> pred.put(k, Rle.encode(v)));
      if (writePredictions != null) {
        EgoMaskPredictions.write(writePredictions, r, pred);
      }
      return pred;
    });
  }

  /**
   * Scores predictions against the records' ground truth with the EgoMask rules, uniformly per
   * expression, grouped by split ({@code full} added when several splits are present).
   */
  public static Map<String, MetricTable.Summary> score(List<ClipRecord> records, Predictions predictions) {
    Map<String, MetricTable> bySplit = new TreeMap<>(Evaluator::splitOrder);
    MetricTable all = new MetricTable();
    int done = 0;
    for (ClipRecord r : records) {
      Map<String, Rle> pred;
      try {
        pred = predictions.of(r);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      Map<String, Rle> gold = new HashMap<>();
      for (int i = 0; i < r.frameNames().size(); i++) {
        String f = r.frameNames().get(i);
        if (r.annotatedFrames().contains(f)) {
          gold.put(f, r.masks().get(i));
        }
      }
      var score = EgoMaskScorer.scoreRle(r.frameNames(), gold, pred, r.height(), r.width());
      bySplit.computeIfAbsent(EgoMaskPredictions.splitOf(r), s -> new MetricTable()).add(score);
      all.add(score);
      done++;
      if (done % 50 == 0) {
        LOG.info("scored {}/{} expressions", done, records.size());
      }
    }
    Map<String, MetricTable.Summary> out = new LinkedHashMap<>();
    bySplit.forEach((k, v) -> out.put(k, v.summary()));
    if (bySplit.size() > 1) {
      out.put("full", all.summary());
    }
    return out;
  }

  /** Predicted masks of the frames where the model finds the target (as a model would write them). */
  public Map<String, Mask> predict(SegModel model, ClipRecord r) {
    int n = r.frameNames().size();
    int ms = model.config().maskSize();
    double presenceCut = Math.log(presenceThreshold / (1 - presenceThreshold));
    Map<String, Mask> pred = new LinkedHashMap<>();
    // Frames go through in chunks so that a long clip of the full-size preset stays in memory.
    for (int from = 0; from < n; from += CHUNK) {
      int to = Math.min(n, from + CHUNK);
      INDArray[] out = model.predict(inputs(model, r, from, to));
      float[] logits = out[0].castTo(DataType.FLOAT).data().asFloat();
      float[] presence = out[1].castTo(DataType.FLOAT).data().asFloat();
      for (int i = from; i < to; i++) {
        if (presence[i - from] <= presenceCut) {
          continue;
        }
        // The decoder's mask, upsampled bilinearly to the frame size as Sa2VA does at inference.
        Mask m = FrameTensors.upsample(logits, (i - from) * ms * ms, ms, r.height(), r.width(), maskThreshold);
        if (!m.isEmpty()) {
          pred.put(r.frameNames().get(i), m);
        }
      }
    }
    return pred;
  }

  private static final int CHUNK = 32;

  /** The model's named inputs for frames {@code [from, to)} of {@code r}. */
  private Map<String, INDArray> inputs(SegModel model, ClipRecord r, int from, int to) {
    int n = to - from;
    Map<String, INDArray> in = new LinkedHashMap<>();
    if (model.config().usesFeatures()) {
      if (features == null) {
        throw new IllegalArgumentException("model.preset " + model.config().preset()
            + " predicts from precomputed features, but the benchmark has none (see docs/models.md)");
      }
      for (Map.Entry<String, long[]> e : model.inputs().entrySet()) {
        long[] shape = e.getValue().clone();
        shape[0] = n;
        int row = Math.toIntExact(FeatureSource.rowSize(shape));
        float[] v = new float[n * row];
        for (int i = from; i < to; i++) {
          System.arraycopy(features.row(e.getKey(), e.getValue(), r, i), 0, v, (i - from) * row, row);
        }
        in.put(e.getKey(), Nd4j.create(v, shape, 'c'));
      }
      return in;
    }
    int s = model.config().imageSize();
    float[] frames = new float[n * 3 * s * s];
    for (int i = from; i < to; i++) {
      byte[] bytes;
      try {
        bytes = FrameFiles.read(conf, r.frameFiles().get(i));
        FrameFiles.requireFrame(r.frameFiles().get(i), bytes, r.height(), r.width());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read frame " + r.frameFiles().get(i), e);
      }
      BufferedImage img = FrameTensors.decode(bytes, r.frameFiles().get(i));
      FrameTensors.imageChw(img, s, frames, (i - from) * 3 * s * s);
    }
    float[] tok = HashedTokens.encode(r.expression(), model.config().vocab());
    float[] tokens = new float[n * tok.length];
    for (int i = 0; i < n; i++) {
      System.arraycopy(tok, 0, tokens, i * tok.length, tok.length);
    }
    in.put(SegModel.FRAMES, Nd4j.create(frames, new long[] {n, 3, s, s}, 'c'));
    in.put(SegModel.TOKENS, Nd4j.create(tokens, new long[] {n, tok.length}, 'c'));
    return in;
  }

  private static int splitOrder(String a, String b) {
    List<String> order = List.of("short", "medium", "long", "full");
    int ia = order.indexOf(a);
    int ib = order.indexOf(b);
    if (ia < 0 || ib < 0) {
      return ia < 0 && ib < 0 ? a.compareTo(b) : (ia < 0 ? 1 : -1);
    }
    return Integer.compare(ia, ib);
  }
}
