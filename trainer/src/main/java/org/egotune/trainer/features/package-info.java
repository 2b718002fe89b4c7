/**
 * Feature shards: precomputed inputs of the SAM2 presets (per frame the image embedding and the two
 * high-resolution maps, per expression the [SEG] hidden state) stored as safetensors beside the
 * dataset shards, their crash-safe writer, their reader and a synthetic generator. The format is in
 * docs/models.md; the central type is {@link org.egotune.trainer.features.FeatureStore}.
 */
package org.egotune.trainer.features;
