/** Optimizer schedules; the central type is {@link org.egotune.trainer.optim.WarmupCosineSchedule}. */
package org.egotune.trainer.optim;
