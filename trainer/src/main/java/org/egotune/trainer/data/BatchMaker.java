package org.egotune.trainer.data;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.model.ModelConfig;
import org.egotune.model.text.HashedTokens;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns samples into a {@link Batch}: draws {@code framesPerSample} frames of each clip, resizes
 * frames and masks to the network's size and encodes the expression. The frames drawn for the
 * sample at global position {@code p} depend only on (seed, p), so the batch a sample contributes
 * is the same whichever worker, round or retry trains it.
 */
public final class BatchMaker {
  private final ModelConfig model;
  private final int framesPerSample;
  private final long seed;

  public BatchMaker(ModelConfig model, int framesPerSample, long seed) {
    this.model = model;
    this.framesPerSample = framesPerSample;
    this.seed = seed;
  }

  /** Builds the batch for {@code samples}, which sit at global positions {@code positions}. */
  public Batch make(List<Sample> samples, long[] positions) {
    if (samples.size() != positions.length) {
      throw new IllegalArgumentException(samples.size() + " samples but " + positions.length + " positions");
    }
    int s = model.imageSize();
    int t = framesPerSample;
    int n = samples.size() * t;
    float[] frames = new float[n * 3 * s * s];
    float[] tokens = new float[n * model.vocab()];
    float[] mask = new float[n * s * s];
    float[] presence = new float[n];
    int row = 0;
    for (int i = 0; i < samples.size(); i++) {
      Sample sample = samples.get(i);
      ClipRecord r = sample.record();
      float[] tok = HashedTokens.encode(r.expression(), model.vocab());
      for (int f : pickFrames(r.frameNames().size(), new SplittableRandom(Seeds.mix(seed, Seeds.FRAMES, positions[i])))) {
        BufferedImage img = FrameTensors.decode(sample.frames().get(f),
            r.source() + "/" + r.video() + "/" + r.frameNames().get(f));
        FrameTensors.imageChw(img, s, frames, row * 3 * s * s);
        System.arraycopy(tok, 0, tokens, row * model.vocab(), tok.length);
        Rle rle = r.masks().get(f);
        Mask m = rle == null ? null : rle.decode();
        if (m != null && !m.isEmpty()) {
          FrameTensors.maskSoft(m, s, mask, row * s * s);
          presence[row] = 1f;
        }
        row++;
      }
    }
    return new Batch(
        Nd4j.create(frames, new long[] {n, 3, s, s}, 'c'),
        Nd4j.create(tokens, new long[] {n, model.vocab()}, 'c'),
        Nd4j.create(mask, new long[] {n, 1, s, s}, 'c'),
        Nd4j.create(presence, new long[] {n, 1}, 'c'),
        samples.size());
  }

  /** {@code framesPerSample} frame indices in temporal order: distinct when the clip has enough. */
  List<Integer> pickFrames(int available, SplittableRandom rng) {
    List<Integer> out = new ArrayList<>(framesPerSample);
    if (available >= framesPerSample) {
      int[] idx = new int[available];
      for (int i = 0; i < available; i++) {
        idx[i] = i;
      }
      for (int i = 0; i < framesPerSample; i++) {
        int j = i + rng.nextInt(available - i);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        out.add(idx[i]);
      }
    } else {
      for (int i = 0; i < framesPerSample; i++) {
        out.add(rng.nextInt(available));
      }
    }
    out.sort(null);
    return out;
  }
}
