/** Expression encoding for the small presets; the central type is {@link org.egotune.model.text.HashedTokens}. */
package org.egotune.model.text;
