/**
 * Scoring a model on a benchmark: EgoMask-layout benchmarks through {@link org.egotune.trainer.eval.Evaluator},
 * NVOS prediction files through {@link org.egotune.trainer.eval.NvosEvaluation}.
 */
package org.egotune.trainer.eval;
