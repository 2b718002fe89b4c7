/** Crash-safe, checksummed checkpoints on any Hadoop file system; the central type is {@link org.egotune.trainer.checkpoint.CheckpointStore}. */
package org.egotune.trainer.checkpoint;
