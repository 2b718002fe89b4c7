/**
 * GPU scheduling: which GPU Spark gave a task ({@link org.egotune.cluster.gpu.GpuAssignment}) and
 * binding ND4J's CUDA backend to it ({@link org.egotune.cluster.gpu.GpuBinding}); a no-op on the
 * CPU backend. docs/cluster.md ("GPUs") describes the Spark configuration.
 */
package org.egotune.cluster.gpu;
