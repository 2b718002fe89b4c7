/** Evaluating checkpoints; the central type is {@link org.egotune.cluster.eval.CheckpointEvaluation}. */
package org.egotune.cluster.eval;
