/** Generating feature shards for the feature presets; the central type is {@link org.egotune.cluster.features.FeatureGeneration}. */
package org.egotune.cluster.features;
