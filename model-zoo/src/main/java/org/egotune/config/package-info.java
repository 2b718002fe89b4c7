/**
 * The job-config schema: each field's key, doc, default and valid {@link org.egotune.config.Range}
 * declared once as a {@link org.egotune.config.Param} of its section's {@link org.egotune.config.Schema},
 * which also builds the section's records. In model-zoo because it is the lowest module with a
 * config record ({@code ModelConfig}).
 */
package org.egotune.config;
