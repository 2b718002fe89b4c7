package org.egotune.model;

import java.util.List;
import org.egotune.config.Param;
import org.egotune.config.Range;
import org.egotune.config.Schema;
import org.egotune.model.depth.DepthHeadConfig;
import org.egotune.model.sam2.Sam2DecoderConfig;

/**
 * Configuration of a model-zoo network: which preset and its sizes. Every field has a default
 * ({@link #defaults()}) and is validated here, so a bad YAML value fails before any work starts.
 *
 * <p>The segmentation presets end in the SAM2 mask decoder with Sa2VA's [SEG] projection
 * ({@link Sam2DecoderConfig}); they differ in what feeds it:
 * <ul>
 *   <li>{@code tiny}: a small trainable conv backbone on raw frames (image embedding and the two
 *       high-resolution maps) and a hashed-token expression encoder (the "[SEG] hidden state"),
 *       sized by {@code imageSize}, {@code vocab} and {@code channels}; trains end to end on frames.
 *   <li>{@code sam2-decoder-small}: {@link Sam2DecoderConfig#small()} on precomputed features.
 *   <li>{@code sam2-decoder}: Sa2VA-4B's decoder, {@link Sam2DecoderConfig#full()}, on precomputed
 *       features (image embedding 256x64x64, high-res maps, [SEG] hidden state 2048).
 * </ul>
 * The depth presets are EgoDTM's adaptive-bin depth decoder ({@link DepthHeadConfig}) on precomputed
 * patch tokens, predicting inverse depth instead of a mask:
 * <ul>
 *   <li>{@code egodtm-depth}: the released decoder, {@link DepthHeadConfig#released()} (4 frames x
 *       14 x 14 x 768 tokens -> 4 x 56 x 56).
 *   <li>{@code egodtm-depth-small}: {@link DepthHeadConfig#small()} (4 x 8 x 8 x 64 -> 4 x 32 x 32).
 * </ul>
 * The feature-input presets have fixed sizes: {@code imageSize}, {@code vocab} and {@code channels} apply to
 * {@code tiny} only. Each field's key, meaning, default and valid range is its {@link Param} below
 * (and docs/configuration.md, which is checked against them); {@link SegModel#build} ignores
 * {@code weights}: the trainer loads it, because only the trainer reads job files.
 */
public record ModelConfig(
    String preset, int imageSize, int vocab, int channels, long initSeed, String weights)
    implements java.io.Serializable {

  public static final String TINY = "tiny";
  public static final String SAM2_SMALL = "sam2-decoder-small";
  public static final String SAM2_FULL = "sam2-decoder";
  public static final String DEPTH_SMALL = "egodtm-depth-small";
  public static final String DEPTH_FULL = "egodtm-depth";

  /** Presets this version can build. */
  public static final List<String> PRESETS = List.of(TINY, SAM2_SMALL, SAM2_FULL, DEPTH_SMALL, DEPTH_FULL);

  /** The {@code model} section's fields. */
  public static final Schema<ModelConfig> SCHEMA = new Schema<>("model", ModelConfig.class);
  public static final Param<String> PRESET = SCHEMA.param("preset", TINY, Range.oneOf(PRESETS), "",
      "network preset ([models.md](models.md); the SAM2 and depth presets train on feature shards)");
  public static final Param<Integer> IMAGE_SIZE = SCHEMA.param("imageSize", 32, Range.multipleOf(4, 8, 1024), "",
      "tiny only: side of the square input and of the predicted mask (decoder grid = imageSize / 4)");
  public static final Param<Integer> VOCAB = SCHEMA.param("vocab", 256, Range.closed(16, 1 << 20), "",
      "tiny only: hashed-token buckets of the expression encoder");
  public static final Param<Integer> CHANNELS = SCHEMA.param("channels", 32, Range.multipleOf(8, 8, 1024), "",
      "tiny only: backbone and decoder width (the SAM2 decoder's C)");
  public static final Param<Long> INIT_SEED = SCHEMA.param("initSeed", 7L, Range.any(), "",
      "parameter initialisation seed");
  public static final Param<String> WEIGHTS = SCHEMA.param("weights", "",
      Range.of("a safetensors file, local path or Hadoop URI", w -> true), "--weights",
      "a fresh run starts from these parameters, loaded by export (Sa2VA) name; a tensor of the model"
          + " missing from the file or of another shape fails naming the file, tensors the model lacks are"
          + " skipped and logged; ignored on `--resume` (the checkpoint wins); empty = seeded initialisation");

  @com.fasterxml.jackson.annotation.JsonCreator
  public ModelConfig {
    preset = PRESET.check(preset);
    IMAGE_SIZE.check(imageSize);
    VOCAB.check(vocab);
    CHANNELS.check(channels);
    weights = WEIGHTS.check(weights).strip();
  }

  /** A builder holding the defaults. */
  public static Schema.Builder<ModelConfig> builder() {
    return SCHEMA.builder();
  }

  /** A builder holding this config's values. */
  public Schema.Builder<ModelConfig> toBuilder() {
    return SCHEMA.builder(this);
  }

  /** The embedded default: the {@code tiny} preset at 32x32, sized to train on 2 CPU cores. */
  public static ModelConfig defaults() {
    return builder().build();
  }

  /** The default configuration of preset {@code name} with initialisation seed {@code seed}. */
  public static ModelConfig preset(String name, long seed) {
    return builder().set(PRESET, name).set(INIT_SEED, seed).build();
  }

  /** True when the preset consumes precomputed features instead of frames and tokens. */
  public boolean usesFeatures() {
    return !TINY.equals(preset);
  }

  /** True for the depth presets, which predict inverse depth ({@link #depthConfig()}) instead of a mask. */
  public boolean predictsDepth() {
    return DEPTH_SMALL.equals(preset) || DEPTH_FULL.equals(preset);
  }

  /** The depth decoder's sizes; only for the depth presets. */
  public DepthHeadConfig depthConfig() {
    return switch (preset) {
      case DEPTH_SMALL -> DepthHeadConfig.small();
      case DEPTH_FULL -> DepthHeadConfig.released();
      default -> throw new IllegalStateException("preset " + preset + " has no depth decoder");
    };
  }

  /**
   * The mask decoder's sizes; not for the depth presets. For tiny: width {@code channels}, depth 2, 2 heads, MLP 2 x width, grid
   * imageSize / 4, 4 mask tokens, and a [SEG] state of {@code channels} from the expression encoder.
   */
  public Sam2DecoderConfig decoderConfig() {
    return switch (preset) {
      case SAM2_SMALL -> Sam2DecoderConfig.small();
      case SAM2_FULL -> Sam2DecoderConfig.full();
      case DEPTH_SMALL, DEPTH_FULL -> throw new IllegalStateException("preset " + preset + " has no SAM2 decoder");
      default -> new Sam2DecoderConfig(
          channels, 2, 2, 2 * channels, 2, imageSize / 4, 2, channels, channels, channels);
    };
  }

  /**
   * Side of the predicted mask (depth presets: depth map), which is also the side labels are resized
   * to for training: the decoder's output, four times its grid (tiny: {@code imageSize}).
   */
  public int maskSize() {
    return predictsDepth() ? depthConfig().outSize() : decoderConfig().maskSize();
  }

  /** One line for listings: what the preset is. */
  public String description() {
    return switch (preset) {
      case SAM2_SMALL -> "SAM2 decoder design at interactive size on precomputed features";
      case SAM2_FULL -> "Sa2VA-4B's SAM2.1 mask decoder + [SEG] projection on precomputed features";
      case DEPTH_SMALL -> "EgoDTM's adaptive-bin depth decoder design at interactive size on precomputed patch tokens";
      case DEPTH_FULL -> "EgoDTM's released depth decoder: 4 x 14 x 14 x 768 patch tokens -> 4 x 56 x 56 inverse depth";
      default -> "conv backbone on frames + hashed-token expression encoder -> SAM2 decoder design";
    };
  }
}
