/**
 * Evaluation metrics: EgoMask's, per expression by {@link org.egotune.trainer.metrics.EgoMaskScorer};
 * NVOS's (DAVIS J, F, J&amp;F, J_union, J_ins), per narration by
 * {@link org.egotune.trainer.metrics.NvosScorer}, both using the same per-frame J and boundary F;
 * and depth's, per image by {@link org.egotune.trainer.metrics.DepthMetrics}.
 */
package org.egotune.trainer.metrics;
