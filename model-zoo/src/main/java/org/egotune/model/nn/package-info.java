/** PyTorch-exact building blocks on a SameDiff graph, shared by the model-zoo networks. */
package org.egotune.model.nn;
