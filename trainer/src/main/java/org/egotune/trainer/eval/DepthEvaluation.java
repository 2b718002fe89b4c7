package org.egotune.trainer.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.model.SegModel;
import org.egotune.model.depth.DepthHead;
import org.egotune.trainer.data.FeatureSource;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.DepthMetrics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a depth preset on prepared depth datasets (the {@code depth} layout after {@code prepare},
 * with their feature shards): every frame of every video once, predicted in clips of the preset's T
 * consecutive frames (0..T-1, T..2T-1, ...; the last clip is the video's last T frames, and its
 * frames scored before are not scored again; a video shorter than T repeats its last frame), each
 * frame's {@code 4g x 4g} prediction against its label area-resampled to that grid (the training
 * target, {@link DepthLabels#resample}), with {@link DepthMetrics}: per image, then the plain mean
 * over images. A video's records (one per expression) share frames, so each video is scored once.
 */
public final class DepthEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(DepthEvaluation.class);
  /** The key of the row over every dataset, present when there are several. */
  public static final String ALL = "all";

  private DepthEvaluation() {}

  /**
   * The prepared datasets a benchmark argument names: {@code dirOrRoot} itself when it holds a
   * {@code manifest.json}, else every prepared dataset directly under it (a shards root), by name.
   */
  public static List<Path> datasets(Configuration conf, String dirOrRoot) {
    Path p = new Path(dirOrRoot);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(new Path(p, DatasetManifest.FILE_NAME))) {
        return List.of(p);
      }
      List<Path> out = new ArrayList<>();
      if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
        for (FileStatus st : fs.listStatus(p)) {
          if (st.isDirectory() && fs.exists(new Path(st.getPath(), DatasetManifest.FILE_NAME))) {
            out.add(st.getPath());
          }
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(dirOrRoot + " is neither a prepared depth dataset (no "
            + DatasetManifest.FILE_NAME + ") nor a shards root holding one; prepare it with"
            + " 'egotune prepare --layout depth'");
      }
      out.sort(null);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dirOrRoot + ": " + e.getMessage(), e);
    }
  }

  /** Where the feature shards of {@code datasets} live by default: {@code <shards root>/features}. */
  public static Path defaultFeatures(List<Path> datasets) {
    return FeatureStore.rootOf(datasets.get(0).getParent().toString());
  }

  /**
   * Scores {@code model} on {@code datasets}; returns a table per dataset source, plus {@link #ALL}
   * over every image when there are several.
   */
  public static Map<String, DepthMetrics.Table> evaluate(Configuration conf, SegModel model, List<Path> datasets,
      FeatureSource features) {
    if (!model.config().predictsDepth()) {
      throw new IllegalArgumentException("model.preset " + model.config().preset() + " predicts masks; depth"
          + " evaluation needs a depth preset");
    }
    Map<String, DepthMetrics.Table> out = new LinkedHashMap<>();
    DepthMetrics.Table all = new DepthMetrics.Table();
    for (Path dir : datasets) {
      try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
        DepthMetrics.Table table = out.computeIfAbsent(ds.source(), s -> new DepthMetrics.Table());
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < ds.size(); i++) {
          Sample s = ds.get(i);
          if (seen.add(s.record().video())) {
            scoreVideo(model, s, features, table, all);
          }
        }
        LOG.info("depth evaluation of {}: {} videos, {} frames", dir, seen.size(), table.images());
      } catch (DatasetFormatException e) {
        throw new UncheckedIOException(e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read dataset " + dir + ": " + e.getMessage(), e);
      }
    }
    if (out.size() > 1) {
      out.put(ALL, all);
    }
    return out;
  }

  /** Every frame of one video, in clips of T frames, into both tables. */
  private static void scoreVideo(SegModel model, Sample s, FeatureSource features, DepthMetrics.Table table,
      DepthMetrics.Table all) {
    ClipRecord r = s.record();
    if (s.depths().isEmpty()) {
      throw new UncheckedIOException(new DatasetFormatException(r.source() + "/" + r.video()
          + " has no depth labels: depth evaluation needs a depth dataset (the 'depth' layout)"));
    }
    int t = model.config().depthConfig().frames();
    int ms = model.config().maskSize();
    int n = r.frameNames().size();
    String input = DepthHead.PATCH_TOKENS;
    long[] rowShape = FeatureSource.rowShapes(model.config()).get(input);
    int row = Math.toIntExact(FeatureSource.rowSize(rowShape));
    long[] shape = model.inputs().get(input).clone();
    shape[0] = 1;
    boolean[] scored = new boolean[n];
    for (int start = 0; start < n; start += t) {
      int from = Math.max(0, Math.min(start, n - t));
      float[] tokens = new float[t * row];
      int[] frames = new int[t];
      for (int j = 0; j < t; j++) {
        frames[j] = Math.min(from + j, n - 1);
        System.arraycopy(features.row(input, rowShape, r, frames[j]), 0, tokens, j * row, row);
      }
      INDArray[] pred = model.predict(Map.of(input, Nd4j.create(tokens, shape, 'c')));
      float[] depth = pred[0].castTo(DataType.FLOAT).dup('c').data().asFloat();
      for (int j = 0; j < t; j++) {
        int f = frames[j];
        if (scored[f]) {
          continue;
        }
        scored[f] = true;
        float[] p = java.util.Arrays.copyOfRange(depth, j * ms * ms, (j + 1) * ms * ms);
        float[] gt = DepthLabels.resample(s.depths().get(f), r.height(), r.width(), ms, ms);
        table.add(p, gt);
        all.add(p, gt);
      }
    }
  }

  /** The tables as Markdown: one row per dataset, scale-aware and scale-invariant δ1-3, RMSE, AbsRel. */
  public static String toMarkdown(Map<String, DepthMetrics.Table> tables) {
    StringBuilder b = new StringBuilder();
    b.append("| data | images | SA δ1 | SA δ2 | SA δ3 | SA RMSE | SA AbsRel | SI δ1 | SI δ2 | SI δ3 | SI RMSE | SI AbsRel |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    tables.forEach((name, t) -> {
      DepthMetrics.Scores a = t.scaleAware();
      DepthMetrics.Scores i = t.scaleInvariant();
      b.append(String.format(Locale.ROOT,
          "| %s | %d | %.3f | %.3f | %.3f | %.4f | %.3f | %.3f | %.3f | %.3f | %.4f | %.3f |%n", name, t.images(),
          a.delta1(), a.delta2(), a.delta3(), a.rmse(), a.absRel(), i.delta1(), i.delta2(), i.delta3(), i.rmse(),
          i.absRel()));
    });
    return b.toString();
  }

  /** The tables by name as {@link DepthMetrics.Table#asMap()}, for JSON reports and model cards. */
  public static Map<String, Map<String, Double>> asMaps(Map<String, DepthMetrics.Table> tables) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    tables.forEach((k, v) -> out.put(k, v.asMap()));
    return out;
  }
}
