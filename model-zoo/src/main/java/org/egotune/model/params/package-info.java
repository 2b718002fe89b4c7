/** Flat parameter and optimizer-state vectors; the central type is {@link org.egotune.model.params.ParamTable}. */
package org.egotune.model.params;
