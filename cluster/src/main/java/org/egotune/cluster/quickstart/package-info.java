/** The end-to-end quickstart pipeline; the central type is {@link org.egotune.cluster.quickstart.Quickstart}. */
package org.egotune.cluster.quickstart;
