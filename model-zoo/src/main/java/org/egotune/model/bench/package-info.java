/**
 * Side-by-side timing of the SAM2 decoder's training step against the PyTorch reference; the central
 * type is {@link org.egotune.model.bench.DecoderBenchmark}.
 */
package org.egotune.model.bench;
