package org.egotune.model;

import java.util.List;
import org.egotune.model.sam2.Sam2DecoderConfig;

/**
 * Configuration of a model-zoo network: which preset and its sizes. Every field has a default
 * ({@link #defaults()}) and is validated here, so a bad YAML value fails before any work starts.
 *
 * <p>Every preset ends in the SAM2 mask decoder with Sa2VA's [SEG] projection
 * ({@link Sam2DecoderConfig}); they differ in what feeds it:
 * <ul>
 *   <li>{@code tiny}: a small trainable conv backbone on raw frames (image embedding and the two
 *       high-resolution maps) and a hashed-token expression encoder (the "[SEG] hidden state"),
 *       sized by {@code imageSize}, {@code vocab} and {@code channels}; trains end to end on frames.
 *   <li>{@code sam2-decoder-small}: {@link Sam2DecoderConfig#small()} on precomputed features.
 *   <li>{@code sam2-decoder}: Sa2VA-4B's decoder, {@link Sam2DecoderConfig#full()}, on precomputed
 *       features (image embedding 256x64x64, high-res maps, [SEG] hidden state 2048).
 * </ul>
 * The SAM2 presets have fixed sizes: {@code imageSize}, {@code vocab} and {@code channels} apply to
 * {@code tiny} only.
 *
 * @param preset preset name, one of {@link #PRESETS}
 * @param imageSize tiny: side of the square frame the network sees and of its mask, in pixels (a
 *     multiple of 4; the decoder's grid is imageSize / 4)
 * @param vocab tiny: size of the hashed-token vocabulary of the expression encoder
 * @param channels tiny: width of the backbone and of the decoder (a multiple of 8)
 * @param initSeed seed of the parameter initialisation
 * @param weights safetensors file (local path or Hadoop URI) a fresh training run starts from,
 *     loaded strictly by export name; empty for the seeded initialisation. {@link SegModel#build}
 *     ignores it: the trainer loads it, because only the trainer reads job files.
 */
public record ModelConfig(
    String preset, int imageSize, int vocab, int channels, long initSeed, String weights)
    implements java.io.Serializable {

  public static final String TINY = "tiny";
  public static final String SAM2_SMALL = "sam2-decoder-small";
  public static final String SAM2_FULL = "sam2-decoder";

  /** Presets this version can build. */
  public static final List<String> PRESETS = List.of(TINY, SAM2_SMALL, SAM2_FULL);

  @com.fasterxml.jackson.annotation.JsonCreator
  public ModelConfig {
    weights = weights == null ? "" : weights.strip();
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
    if (channels < 8 || channels > 1024 || channels % 8 != 0) {
      throw new IllegalArgumentException(
          "model.channels must be a multiple of 8 in [8, 1024] (it is the decoder's width), found "
              + channels);
    }
  }

  /** A config that starts from the seeded initialisation ({@code weights} empty). */
  public ModelConfig(String preset, int imageSize, int vocab, int channels, long initSeed) {
    this(preset, imageSize, vocab, channels, initSeed, "");
  }

  /** The embedded default: the {@code tiny} preset at 32x32, sized to train on 2 CPU cores. */
  public static ModelConfig defaults() {
    return new ModelConfig(TINY, 32, 256, 32, 7L);
  }

  /** The default configuration of preset {@code name} with initialisation seed {@code seed}. */
  public static ModelConfig preset(String name, long seed) {
    ModelConfig d = defaults();
    return new ModelConfig(name, d.imageSize(), d.vocab(), d.channels(), seed);
  }

  /** True when the preset consumes precomputed features instead of frames and tokens. */
  public boolean usesFeatures() {
    return !TINY.equals(preset);
  }

  /**
   * The decoder's sizes. For tiny: width {@code channels}, depth 2, 2 heads, MLP 2 x width, grid
   * imageSize / 4, 4 mask tokens, and a [SEG] state of {@code channels} from the expression encoder.
   */
  public Sam2DecoderConfig decoderConfig() {
    return switch (preset) {
      case SAM2_SMALL -> Sam2DecoderConfig.small();
      case SAM2_FULL -> Sam2DecoderConfig.full();
      default -> new Sam2DecoderConfig(
          channels, 2, 2, 2 * channels, 2, imageSize / 4, 2, channels, channels, channels);
    };
  }

  /**
   * Side of the predicted mask, which is also the side labels are resized to for training: the
   * decoder's output, four times its grid (tiny: {@code imageSize}).
   */
  public int maskSize() {
    return decoderConfig().maskSize();
  }

  /** One line for listings: what the preset is. */
  public String description() {
    return switch (preset) {
      case SAM2_SMALL -> "SAM2 decoder design at interactive size on precomputed features";
      case SAM2_FULL -> "Sa2VA-4B's SAM2.1 mask decoder + [SEG] projection on precomputed features";
      default -> "conv backbone on frames + hashed-token expression encoder -> SAM2 decoder design";
    };
  }
}
