/** Trainable segmentation networks and their presets; the central type is {@link org.egotune.model.SegModel}. */
package org.egotune.model;
