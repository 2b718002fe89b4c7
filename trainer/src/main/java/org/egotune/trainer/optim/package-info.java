/**
 * The optimizer step and its schedule; the central type is {@link
 * org.egotune.trainer.optim.GradientStep} (accumulate, clip, AdamW), with {@link
 * org.egotune.trainer.optim.WarmupCosineSchedule} for the learning rate.
 */
package org.egotune.trainer.optim;
