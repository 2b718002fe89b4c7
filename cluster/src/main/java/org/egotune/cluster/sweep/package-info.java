/** Ratio ablation sweeps; the central type is {@link org.egotune.cluster.sweep.SweepRunner}. */
package org.egotune.cluster.sweep;
