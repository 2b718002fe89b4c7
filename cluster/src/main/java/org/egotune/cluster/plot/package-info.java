/** Small PNG charts drawn with Java2D; the central type is {@link org.egotune.cluster.plot.LinePlot}. */
package org.egotune.cluster.plot;
