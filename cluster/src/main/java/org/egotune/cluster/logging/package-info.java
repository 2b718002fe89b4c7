/**
 * Log4j2 plugins of the CLI; the central type is
 * {@link org.egotune.cluster.logging.BadInputTaskFailureFilter}.
 */
package org.egotune.cluster.logging;
