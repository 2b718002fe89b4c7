/** Spark session set-up; the central type is {@link org.egotune.cluster.spark.SparkRuntime}. */
package org.egotune.cluster.spark;
