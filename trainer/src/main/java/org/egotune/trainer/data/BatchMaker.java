package org.egotune.trainer.data;

import org.egotune.mixer.seed.Seeds;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.text.HashedTokens;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns samples into a {@link Batch}: draws {@code framesPerSample} frames of each clip (see
 * {@link #pickFrames}), builds the preset's inputs (tiny: the frames resized to the network's size
 * and the hashed expression; the SAM2 presets: the frames' and the expression's precomputed
 * features from a {@link FeatureSource}) and resizes masks to the model's mask size. The frames drawn for the
 * sample at global position {@code p} depend only on (seed, p), so the batch a sample contributes
 * is the same whichever worker, round or retry trains it.
 *
 * <p>The depth presets train on clips instead: each sample gives one batch row of the preset's own
 * {@code T} frames ({@code train.framesPerSample} does not apply, the graph's T is fixed), drawn
 * uniformly without repeats from the whole clip and kept in temporal order ({@link #pickClip}); the
 * row's patch tokens are the frames' stored features and its target each frame's depth label
 * area-resampled to the {@code 4g x 4g} output ({@link DepthLabels#resample}).
 */
public final class BatchMaker {
  private final ModelConfig model;
  private final Map<String, long[]> inputs;
  private final int framesPerSample;
  private final long seed;
  private final FeatureSource features;

  /** A batch maker for a preset that reads frames (tiny). */
  public BatchMaker(ModelConfig model, int framesPerSample, long seed) {
    this(model, framesPerSample, seed, null);
  }

  /** A batch maker for any preset; {@code features} is required by the feature presets. */
  public BatchMaker(ModelConfig model, int framesPerSample, long seed, FeatureSource features) {
    if (model.usesFeatures() && features == null) {
      throw new IllegalArgumentException("model.preset " + model.preset()
          + " trains on precomputed features, but no feature shards were given (see docs/models.md)");
    }
    this.model = model;
    this.inputs = SegModel.inputShapes(model);
    this.framesPerSample = framesPerSample;
    this.seed = seed;
    this.features = features;
  }

  /** Builds the batch for {@code samples}, which sit at global positions {@code positions}. */
  public Batch make(List<Sample> samples, long[] positions) {
    if (samples.size() != positions.length) {
      throw new IllegalArgumentException(samples.size() + " samples but " + positions.length + " positions");
    }
    if (model.predictsDepth()) {
      return makeDepth(samples, positions);
    }
    int ms = model.maskSize();
    int t = framesPerSample;
    int n = samples.size() * t;
    Map<String, float[]> in = new LinkedHashMap<>();
    inputs.forEach((name, shape) -> in.put(name, new float[Math.toIntExact(n * FeatureSource.rowSize(shape))]));
    float[] mask = new float[n * ms * ms];
    float[] presence = new float[n];
    int row = 0;
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      ClipRecord r = sample.record();
      float[] tok = model.usesFeatures() ? null : HashedTokens.encode(r.expression(), model.vocab());
      for (int f : pickFrames(r, new SplittableRandom(Seeds.mix(seed, Seeds.FRAMES, positions[i])))) {
        if (features == null) {
          int s = model.imageSize();
          BufferedImage img = FrameTensors.decode(sample.frames().get(f),
              r.source() + "/" + r.video() + "/" + r.frameNames().get(f));
          FrameTensors.imageChw(img, s, in.get(SegModel.FRAMES), row * 3 * s * s);
          System.arraycopy(tok, 0, in.get(SegModel.TOKENS), row * tok.length, tok.length);
        } else {
          copyFeatures(r, f, in, row);
        }
        Rle rle = r.masks().get(f);
        Mask m = rle == null ? null : rle.decode();
        if (m != null && !m.isEmpty()) {
          FrameTensors.maskSoft(m, ms, mask, row * ms * ms);
          presence[row] = 1f;
        }
        row++;
      }
    }
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : inputs.entrySet()) {
      long[] shape = e.getValue().clone();
      shape[0] = n;
      arrays.put(e.getKey(), Nd4j.create(in.get(e.getKey()), shape, 'c'));
    }
    return new Batch(arrays,
        Nd4j.create(mask, new long[] {n, 1, ms, ms}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'),
        samples.size());
  }

  /**
   * A depth batch: inputs {@code [N, T, g*g, D]}, target {@code [N, T, M, M]} in {@link Batch#mask()},
   * presence all ones {@code [N, 1]} (unused by the depth loss; it keeps the row count for slicing).
   */
  private Batch makeDepth(List<Sample> samples, long[] positions) {
    int t = model.depthConfig().frames();
    int ms = model.maskSize();
    int n = samples.size();
    Map.Entry<String, long[]> input = inputs.entrySet().iterator().next();
    long[] rowShape = FeatureSource.rowShapes(model).get(input.getKey());
    int frameRow = Math.toIntExact(FeatureSource.rowSize(rowShape));
    float[] tokens = new float[n * t * frameRow];
    float[] target = new float[n * t * ms * ms];
    float[] presence = new float[n];
    for (int i = 0; i < n; i++) {
      Sample sample = samples.get(i);
      ClipRecord r = sample.record();
      if (sample.depths().isEmpty()) {
        throw new UncheckedIOException(new DatasetFormatException(r.source() + "/" + r.video()
            + " (expression " + r.expId() + ") has no depth labels: model.preset " + model.preset()
            + " trains on depth sources only (the 'depth' layout, docs/data.md)"));
      }
      List<Integer> frames = pickClip(r, new SplittableRandom(Seeds.mix(seed, Seeds.FRAMES, positions[i])));
      for (int j = 0; j < t; j++) {
        int f = frames.get(j);
        int row = i * t + j;
        float[] v = features.row(input.getKey(), rowShape, r, f);
        System.arraycopy(v, 0, tokens, row * frameRow, frameRow);
        float[] d = DepthLabels.resample(sample.depths().get(f), r.height(), r.width(), ms, ms);
        System.arraycopy(d, 0, target, row * ms * ms, ms * ms);
      }
      presence[i] = 1f;
    }
    long[] shape = input.getValue().clone();
    shape[0] = n;
    return new Batch(Map.of(input.getKey(), Nd4j.create(tokens, shape, 'c')),
        Nd4j.create(target, new long[] {n, t, ms, ms}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'),
        n);
  }

  /**
   * The preset's {@code T} frames of a depth clip, in temporal order: distinct and uniform over the
   * clip when it has at least T frames, else drawn with repeats.
   */
  List<Integer> pickClip(ClipRecord r, SplittableRandom rng) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < r.frameNames().size(); i++) {
      all.add(i);
    }
    return draw(all, model.depthConfig().frames(), rng);
  }

  /** Copies frame {@code f}'s (and the expression's) features into row {@code row} of each input. */
  private void copyFeatures(ClipRecord r, int f, Map<String, float[]> in, int row) {
    for (Map.Entry<String, long[]> e : inputs.entrySet()) {
      float[] v = features.row(e.getKey(), e.getValue(), r, f);
      System.arraycopy(v, 0, in.get(e.getKey()), row * v.length, v.length);
    }
  }

  /**
   * The frames of {@code r} a sample trains on, in temporal order. A clip where the target is
   * present in some frames and absent from others (egocentric clips) gets the Sa2VA recipe's mix:
   * 1 to {@code min(4, T - 1)} frames where it is present, the rest where it is absent, so that
   * absence is learned; any other clip gets {@code T} frames drawn uniformly. Frames are distinct
   * when the clip has enough of them.
   */
  List<Integer> pickFrames(ClipRecord r, SplittableRandom rng) {
    int t = framesPerSample;
    List<Integer> present = new ArrayList<>();
    List<Integer> absent = new ArrayList<>();
    for (int i = 0; i < r.masks().size(); i++) {
      Rle m = r.masks().get(i);
      (m != null && m.area() > 0 ? present : absent).add(i);
    }
    if (present.isEmpty() || absent.isEmpty() || t < 2) {
      List<Integer> all = new ArrayList<>(present);
      all.addAll(absent);
      all.sort(null);
      return draw(all, t, rng);
    }
    int p = 1 + rng.nextInt(Math.min(Math.min(4, t - 1), present.size()));
    List<Integer> out = new ArrayList<>(draw(present, p, rng));
    int rest = t - p;
    if (absent.size() >= rest) {
      out.addAll(draw(absent, rest, rng));
    } else {
      // Too few absent frames: take them all and fill up with present ones not drawn yet.
      out.addAll(absent);
      List<Integer> unused = new ArrayList<>(present);
      unused.removeAll(out);
      out.addAll(draw(unused, rest - absent.size(), rng));
    }
    out.sort(null);
    return out;
  }

  /** {@code k} of {@code from}: distinct (partial Fisher-Yates) when there are enough, else with repeats. */
  private static List<Integer> draw(List<Integer> from, int k, SplittableRandom rng) {
    List<Integer> out = new ArrayList<>(k);
    if (from.isEmpty()) {
      return out;
    }
    if (from.size() >= k) {
      int[] idx = from.stream().mapToInt(Integer::intValue).toArray();
      for (int i = 0; i < k; i++) {
        int j = i + rng.nextInt(idx.length - i);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        out.add(idx[i]);
      }
    } else {
      for (int i = 0; i < k; i++) {
        out.add(from.get(rng.nextInt(from.size())));
      }
    }
    out.sort(null);
    return out;
  }

}
