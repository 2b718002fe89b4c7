/**
 * The benchmarks behind {@code egotune bench} (step, data, trainer, round; the decoder's are in
 * {@code .decoder}), outside the product modules; the entry point is
 * {@link org.egotune.bench.BenchCli}.
 */
package org.egotune.bench;
