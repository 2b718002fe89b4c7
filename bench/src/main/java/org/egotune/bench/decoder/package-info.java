/**
 * Side-by-side timing of the SAM2 decoder's training step against the PyTorch reference; the central
 * type is {@link org.egotune.bench.decoder.DecoderBenchmark}.
 */
package org.egotune.bench.decoder;
