/** The realised mixture of a job, without training; the central type is {@link org.egotune.trainer.audit.JobAudit}. */
package org.egotune.trainer.audit;
