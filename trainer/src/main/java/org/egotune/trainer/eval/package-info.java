/** Scoring a model on an EgoMask-layout benchmark; the central type is {@link org.egotune.trainer.eval.Evaluator}. */
package org.egotune.trainer.eval;
