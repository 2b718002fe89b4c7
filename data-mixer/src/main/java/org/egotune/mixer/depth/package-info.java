/**
 * Depth labels: normalised inverse-depth maps as files ({@code .npy} float32), as shard bytes, and
 * resampled to the depth head's 56 x 56 grid ({@link org.egotune.mixer.depth.DepthLabels}).
 */
package org.egotune.mixer.depth;
