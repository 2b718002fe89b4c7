/** Distributed training rounds on Spark; the central type is {@link org.egotune.cluster.train.DistributedTrainer}. */
package org.egotune.cluster.train;
