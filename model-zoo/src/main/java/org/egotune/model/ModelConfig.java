package org.egotune.model;

import java.util.List;

/**
 * Configuration of a model-zoo network: which preset and its sizes. Every field has a default
 * ({@link #defaults()}) and is validated here, so a bad YAML value fails before any work starts.
 *
 * @param preset preset name; {@code tiny} (a small conv backbone + hashed-token expression encoder
 *     feeding a mask head and a presence head) is the embedded default
 * @param imageSize side of the square frame the network sees, in pixels (a multiple of 4)
 * @param vocab size of the hashed-token vocabulary of the expression encoder
 * @param channels width of the backbone's feature maps
 * @param initSeed seed of the parameter initialisation
 */
public record ModelConfig(String preset, int imageSize, int vocab, int channels, long initSeed)
    implements java.io.Serializable {

  /** Presets this version can build. */
  public static final List<String> PRESETS = List.of("tiny");

  public ModelConfig {
    if (preset == null || !PRESETS.contains(preset)) {
      throw new IllegalArgumentException(
          "model.preset must be one of " + PRESETS + ", found " + preset);
    }
    if (imageSize < 8 || imageSize % 4 != 0 || imageSize > 1024) {
      throw new IllegalArgumentException(
          "model.imageSize must be a multiple of 4 in [8, 1024], found " + imageSize);
    }
    if (vocab < 16 || vocab > 1 << 20) {
      throw new IllegalArgumentException("model.vocab must be in [16, 1048576], found " + vocab);
    }
    if (channels < 4 || channels > 1024) {
      throw new IllegalArgumentException("model.channels must be in [4, 1024], found " + channels);
    }
  }

  /** The embedded default: the {@code tiny} preset at 32x32, sized to train on 2 CPU cores. */
  public static ModelConfig defaults() {
    return new ModelConfig("tiny", 32, 256, 24, 7L);
  }
}
