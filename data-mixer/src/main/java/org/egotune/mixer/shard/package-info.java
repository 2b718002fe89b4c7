/**
 * Self-contained Parquet shards of samples on any Hadoop file system, read by index through
 * {@link org.egotune.mixer.shard.ShardedDataset}.
 */
package org.egotune.mixer.shard;
