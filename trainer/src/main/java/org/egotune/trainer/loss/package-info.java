/** Training losses; the central type is {@link org.egotune.trainer.loss.SegLoss}. */
package org.egotune.trainer.loss;
