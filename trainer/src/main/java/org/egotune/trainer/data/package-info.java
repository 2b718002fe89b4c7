/** From shard samples to network tensors; the central type is {@link org.egotune.trainer.data.BatchMaker}. */
package org.egotune.trainer.data;
