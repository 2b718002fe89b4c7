/** Job configuration files; the central type is {@link org.egotune.cluster.config.JobConfig}. */
package org.egotune.cluster.config;
