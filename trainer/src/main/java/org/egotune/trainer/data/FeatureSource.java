package org.egotune.trainer.data;

import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;

/**
 * Precomputed model inputs for the feature presets (see docs/models.md): per frame the image
 * embedding and the high-resolution maps, per expression the [SEG] hidden state, each looked up by
 * the model's input name.
 */
public interface FeatureSource {
  /**
   * The values of input {@code input} for frame {@code frame} of {@code record} (row-major, without
   * the batch axis); per-expression inputs ignore {@code frame}. Fails naming the record, frame and
   * input when they are missing.
   */
  float[] get(String input, ClipRecord record, int frame);

  /**
   * {@link #get} checked against the model's input shape {@code [-1, ...]}: a wrong number of values
   * fails naming the record, frame, input and both sizes.
   */
  default float[] row(String input, long[] shape, ClipRecord r, int frame) {
    long want = rowSize(shape);
    float[] v = get(input, r, frame);
    if (v.length != want) {
      throw new IllegalArgumentException("features of " + r.source() + "/" + r.video() + " frame "
          + r.frameNames().get(frame) + " expression " + r.expId() + ": input " + input + " has "
          + v.length + " values, the model expects " + want + " (shape " + java.util.Arrays.toString(shape) + ")");
    }
    return v;
  }

  /**
   * The shape of one stored row of each input, {@code [-1, ...]}: the model's input shapes, except
   * that the depth presets' clip input {@code [-1, T, g*g, D]} is stored per frame as
   * {@code [-1, g*g, D]} (a clip is assembled from its frames when a batch is made).
   */
  static Map<String, long[]> rowShapes(ModelConfig model) {
    Map<String, long[]> out = new LinkedHashMap<>();
    SegModel.inputShapes(model).forEach((name, shape) -> {
      if (model.predictsDepth()) {
        long[] s = new long[shape.length - 1];
        s[0] = -1;
        System.arraycopy(shape, 2, s, 1, shape.length - 2);
        out.put(name, s);
      } else {
        out.put(name, shape);
      }
    });
    return out;
  }

  /** Values per batch row of an input of shape {@code [-1, ...]}. */
  static long rowSize(long[] shape) {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }
}
