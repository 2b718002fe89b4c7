/** Small PNG charts drawn with Java2D; the central type is {@link org.egotune.trainer.plot.LinePlot}. */
package org.egotune.trainer.plot;
