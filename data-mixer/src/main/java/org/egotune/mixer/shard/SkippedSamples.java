package org.egotune.mixer.shard;

import java.util.Objects;

/**
 * What {@code prepare} left out of a dataset, as its manifest records it; the entries themselves
 * are in the report file next to the manifest.
 *
 * @param policy {@code fail} or {@code skip}: what the run did with a bad sample
 * @param bad samples left out for a format problem (only ever non-zero under {@code skip})
 * @param allNull expressions left out because their target is null in every frame (both policies)
 * @param report the report's file name in the dataset directory, one JSON object per line
 */
public record SkippedSamples(String policy, long bad, long allNull, String report)
    implements java.io.Serializable {

  /** The report's file name. */
  public static final String REPORT_FILE = "bad-samples.jsonl";

  public SkippedSamples {
    if (!"fail".equals(policy) && !"skip".equals(policy)) {
      throw new IllegalArgumentException("skipped.policy must be 'fail' or 'skip', found " + policy);
    }
    if (bad < 0 || allNull < 0) {
      throw new IllegalArgumentException(
          "skipped.bad and skipped.allNull must be >= 0, found " + bad + " and " + allNull);
    }
    if ("fail".equals(policy) && bad != 0) {
      throw new IllegalArgumentException("skipped.bad must be 0 under policy fail, found " + bad);
    }
    Objects.requireNonNull(report, "report");
  }
}
