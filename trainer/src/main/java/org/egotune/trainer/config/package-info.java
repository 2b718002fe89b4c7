/** Training configuration; the central type is {@link org.egotune.trainer.config.TrainConfig}. */
package org.egotune.trainer.config;
