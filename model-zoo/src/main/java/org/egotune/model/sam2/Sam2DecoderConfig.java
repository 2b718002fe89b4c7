package org.egotune.model.sam2;

/**
 * Sizes of a SAM2-design mask decoder plus Sa2VA's [SEG] prompt projection ({@code text_hidden_fcs}).
 *
 * @param width transformer width C (SAM2: 256); a multiple of 8 (the upscaler ends at C/8 channels)
 * @param depth number of two-way attention blocks (SAM2: 2)
 * @param heads attention heads; must divide C and C / attnDownsample
 * @param mlpDim hidden size of each block's token MLP (SAM2: 2048)
 * @param attnDownsample inner width divisor of the cross-attentions (SAM2: 2)
 * @param gridSize side g of the image-embedding grid (SAM2: 64); masks come out at 4g x 4g
 * @param numMaskTokens mask tokens: one single-mask token plus the multimask ones (SAM2: 4)
 * @param promptInDim size of the VideoLLM's [SEG] hidden state (Sa2VA-4B: 2048, VideoLISA: 3072)
 * @param promptHiddenDim hidden size of the prompt projection (Sa2VA: equal to promptInDim)
 * @param iouHiddenDim hidden size of the IoU head MLP (SAM2: 256, independent of C)
 */
public record Sam2DecoderConfig(
    int width,
    int depth,
    int heads,
    int mlpDim,
    int attnDownsample,
    int gridSize,
    int numMaskTokens,
    int promptInDim,
    int promptHiddenDim,
    int iouHiddenDim) {

  public Sam2DecoderConfig {
    positive("width", width);
    positive("depth", depth);
    positive("heads", heads);
    positive("mlpDim", mlpDim);
    positive("attnDownsample", attnDownsample);
    positive("gridSize", gridSize);
    positive("promptInDim", promptInDim);
    positive("promptHiddenDim", promptHiddenDim);
    positive("iouHiddenDim", iouHiddenDim);
    if (width % 8 != 0) {
      throw new IllegalArgumentException("width must be a multiple of 8, found " + width);
    }
    if (width % heads != 0) {
      throw new IllegalArgumentException(
          "heads must divide width " + width + ", found heads=" + heads);
    }
    if (width % attnDownsample != 0 || (width / attnDownsample) % heads != 0) {
      throw new IllegalArgumentException(
          "attnDownsample must divide width " + width + " into a multiple of heads " + heads
              + ", found attnDownsample=" + attnDownsample);
    }
    // Multimask output keeps tokens 1.. and picks one, so at least two tokens are needed.
    if (numMaskTokens < 2) {
      throw new IllegalArgumentException("numMaskTokens must be at least 2, found " + numMaskTokens);
    }
  }

  /** Sa2VA-4B's decoder: SAM2.1 sizes, 64x64 grid, [SEG] 2048 -> 2048 -> 256. */
  public static Sam2DecoderConfig full() {
    return new Sam2DecoderConfig(256, 2, 8, 2048, 2, 64, 4, 2048, 2048, 256);
  }

  /** The same design at a size that trains at interactive speed on two CPU cores. */
  public static Sam2DecoderConfig small() {
    return new Sam2DecoderConfig(32, 2, 8, 64, 2, 16, 4, 64, 64, 32);
  }

  /** Inner width of the cross-attentions. */
  public int crossDim() {
    return width / attnDownsample;
  }

  /** Side of the low-resolution mask logits: four times the grid. */
  public int maskSize() {
    return 4 * gridSize;
  }

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, found " + value);
    }
  }
}
