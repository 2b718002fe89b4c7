/** The realised mixture of a job, without training; the central type is {@link org.egotune.cluster.audit.JobAudit}. */
package org.egotune.cluster.audit;
