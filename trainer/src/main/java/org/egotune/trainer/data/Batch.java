package org.egotune.trainer.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training batch of {@code N = samples x framesPerSample} frames: network inputs and targets.
 *
 * @param frames {@code [N, 3, S, S]} in [-1, 1]
 * @param tokens {@code [N, vocab]} hashed expression tokens (repeated for every frame of a sample)
 * @param mask {@code [N, 1, S, S]} soft mask target
 * @param presence {@code [N, 1]} 1 where the target is present in the frame
 * @param samples number of samples (clip + expression) in the batch
 */
public record Batch(INDArray frames, INDArray tokens, INDArray mask, INDArray presence, int samples) {}
