package org.egotune.model.depth;

/**
 * Sizes and release quirks of EgoDTM's adaptive-bin depth decoder (shared/NVOS_AND_DEPTH.md B.2).
 *
 * @param inDim width D of the video encoder's patch tokens (EgoDTM: ViT-B/16, 768)
 * @param width decoder width C (EgoDTM: 256); a multiple of 4 (the x4 branch narrows to C/2, C/4)
 * @param grid side g of each frame's token grid (EgoDTM: 14); depth comes out at 4g x 4g
 * @param frames frames T per clip (EgoDTM: 4); the bins are shared by a clip's frames
 * @param queries learned queries, one per depth bin (EgoDTM: 8)
 * @param layers decoder layers, each cross-attention, self-attention, FFN (EgoDTM: 5)
 * @param heads attention heads; must divide {@code width}
 * @param ffnDim hidden size of each layer's FFN (EgoDTM: 2048)
 * @param binFloor added to ReLU(bin logit) before the widths are normalised (EgoDTM: 0.1)
 * @param valueWithQueryPos release quirk: the self-attention's value is the queries plus their
 *     position embedding, as in the release's flash-attention branch (true); false gives Mask2Former's
 *     value without it
 * @param memoryPositionEncoding false as released (the sine 3-D encoding is built but never called);
 *     true adds it to the memory's keys, as Mask2Former's video decoder does
 */
public record DepthHeadConfig(
    int inDim,
    int width,
    int grid,
    int frames,
    int queries,
    int layers,
    int heads,
    int ffnDim,
    double binFloor,
    boolean valueWithQueryPos,
    boolean memoryPositionEncoding) {

  public DepthHeadConfig {
    positive("inDim", inDim);
    positive("width", width);
    positive("grid", grid);
    positive("frames", frames);
    positive("layers", layers);
    positive("heads", heads);
    positive("ffnDim", ffnDim);
    // The x4 branch narrows to C/2 and C/4; the sine encoding splits C/2 into sin/cos pairs.
    if (width % 4 != 0) {
      throw new IllegalArgumentException("width must be a multiple of 4, found " + width);
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException("heads must divide width " + width + ", found heads=" + heads);
    }
    // One query is one bin: a single bin would predict a constant depth.
    if (queries < 2) {
      throw new IllegalArgumentException("queries must be at least 2, found " + queries);
    }
    if (!(binFloor > 0) || Double.isInfinite(binFloor)) {
      throw new IllegalArgumentException("binFloor must be positive and finite, found " + binFloor);
    }
  }

  /** EgoDTM's released configuration: 4 frames x 14 x 14 x 768 tokens -> 4 x 56 x 56 inverse depth. */
  public static DepthHeadConfig released() {
    return new DepthHeadConfig(768, 256, 14, 4, 8, 5, 8, 2048, 0.1, true, false);
  }

  /** The same design at the quickstart's scale: 4 frames x 8 x 8 x 64 tokens -> 4 x 32 x 32. */
  public static DepthHeadConfig small() {
    return new DepthHeadConfig(64, 32, 8, 4, 8, 2, 4, 64, 0.1, true, false);
  }

  /** Side of the predicted depth maps: four times the grid. */
  public int outSize() {
    return 4 * grid;
  }

  /** Tokens per frame. */
  public int tokensPerFrame() {
    return grid * grid;
  }

  /** This configuration with the two release quirks set as given. */
  public DepthHeadConfig withQuirks(boolean valueWithQueryPos, boolean memoryPositionEncoding) {
    return new DepthHeadConfig(inDim, width, grid, frames, queries, layers, heads, ffnDim, binFloor,
        valueWithQueryPos, memoryPositionEncoding);
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, found " + value);
    }
  }
}
