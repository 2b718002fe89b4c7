/** Checkpoint export (DL4J model + JSON card); the central type is {@link org.egotune.trainer.export.Exporter}. */
package org.egotune.trainer.export;
