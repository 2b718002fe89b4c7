/**
 * Readers that turn each dataset's native layout into {@link org.egotune.mixer.record.ClipRecord}s.
 */
package org.egotune.mixer.reader;
