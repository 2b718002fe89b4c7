/**
 * The exact, deterministic, worker-independent ratio mixer of several sources,
 * {@link org.egotune.mixer.mix.RatioMixer}.
 */
package org.egotune.mixer.mix;
