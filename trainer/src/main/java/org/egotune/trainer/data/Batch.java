package org.egotune.trainer.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training batch of {@code N = samples x framesPerSample} frames: the model's named inputs and
 * the targets.
 *
 * @param inputs the model's inputs by name, in the model's input order (tiny: frames
 *     {@code [N, 3, S, S]} and tokens {@code [N, vocab]}; the SAM2 presets: the precomputed features)
 * @param mask {@code [N, 1, M, M]} soft mask target at the model's mask size; for the depth presets,
 *     whose rows are clips, the inverse-depth target {@code [N, T, M, M]}
 * @param presence {@code [N, 1]} 1 where the target is present in the frame (depth presets: all 1)
 * @param samples number of samples (clip + expression) in the batch
 */
public record Batch(Map<String, INDArray> inputs, INDArray mask, INDArray presence, int samples) {
  public Batch {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }
}
