/**
 * Evaluation metrics: EgoMask's, per expression by {@link org.egotune.trainer.metrics.EgoMaskScorer},
 * and NVOS's (DAVIS J, F, J&amp;F, J_union, J_ins), per narration by
 * {@link org.egotune.trainer.metrics.NvosScorer}; both use the same per-frame J and boundary F.
 */
package org.egotune.trainer.metrics;
