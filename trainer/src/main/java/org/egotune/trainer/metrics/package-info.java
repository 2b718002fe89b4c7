/** EgoMask evaluation metrics, computed per expression by {@link org.egotune.trainer.metrics.EgoMaskScorer}. */
package org.egotune.trainer.metrics;
