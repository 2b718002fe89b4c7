package org.egotune.model.sam2;

/** Sa2VA state-dict key prefixes; a parameter's SameDiff name is its full PyTorch key. */
final class Sam2Keys {
  private Sam2Keys() {}

  /** SAM2Base inside Sa2VA's grounding encoder: decoder, prompt encoder, image encoder, memory. */
  static final String SAM2 = "grounding_encoder.sam2_model.";
  static final String DECODER = SAM2 + "sam_mask_decoder.";
  static final String PROMPT = SAM2 + "sam_prompt_encoder.";
  static final String TEXT_FCS = "text_hidden_fcs.";

  /** The random Fourier matrix of the dense positional encoding: a buffer, never trained. */
  static final String PE_GAUSSIAN = PROMPT + "pe_layer.positional_encoding_gaussian_matrix";

  /**
   * 1x1 convolutions on the backbone's FPN levels 0 and 1. They are decoder parameters in the state
   * dict, but SAM2 applies them in {@code forward_image}, before the decoder: our inputs are already
   * projected, so these live beside the graph and are only carried through load and export.
   */
  static final String CONV_S0 = DECODER + "conv_s0.";

  static final String CONV_S1 = DECODER + "conv_s1.";
}
