/** Checkpoint export (DL4J model + JSON card); the central type is {@link org.egotune.cluster.export.Exporter}. */
package org.egotune.cluster.export;
