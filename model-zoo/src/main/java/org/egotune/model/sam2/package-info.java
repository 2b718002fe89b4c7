/**
 * The SAM2 mask decoder as Sa2VA drives it, built from SameDiff primitives with every parameter named
 * by its Sa2VA PyTorch key; the central type is {@link org.egotune.model.sam2.Sam2Decoder}.
 */
package org.egotune.model.sam2;
