/** The prepare job (native layout to Parquet shards); the central type is {@link org.egotune.cluster.prepare.PrepareJob}. */
package org.egotune.cluster.prepare;
