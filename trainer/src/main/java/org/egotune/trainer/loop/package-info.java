/** The shared training loop; the central type is {@link org.egotune.trainer.loop.LocalTrainer}. */
package org.egotune.trainer.loop;
