/**
 * Evaluation metrics: EgoMask per expression ({@link org.egotune.trainer.metrics.EgoMaskScorer}) and
 * depth per image ({@link org.egotune.trainer.metrics.DepthMetrics}).
 */
package org.egotune.trainer.metrics;
