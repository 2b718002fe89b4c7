package org.egotune.mixer.reader;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a reader sends each sample it cannot use: under {@link BadSamplePolicy#FAIL} the error is
 * rethrown; under {@link BadSamplePolicy#SKIP} it is logged and kept for the report. Expressions
 * whose target is null in every frame are kept here under both policies (they are skipped either
 * way, never silently).
 */
public final class BadSamples {
  private static final Logger LOG = LoggerFactory.getLogger(BadSamples.class);

  private final BadSamplePolicy policy;
  private final String source;
  private final List<BadSample> entries = new ArrayList<>();
  private long bad;
  private long allNull;

  public BadSamples(BadSamplePolicy policy, String source) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.source = Objects.requireNonNull(source, "source");
  }

  /** A collector that fails on the first bad sample (what the plain {@code read} methods use). */
  static BadSamples failing(String source) {
    return new BadSamples(BadSamplePolicy.FAIL, source);
  }

  /**
   * Sample {@code video}/{@code expId} (expId null: every expression of the video) is unusable
   * because of {@code e}: rethrows under FAIL, records it under SKIP.
   */
  public void reject(String video, String expId, DatasetFormatException e)
      throws DatasetFormatException {
    reject(video, expId, BadSample.metaKey(video, expId), e);
  }

  /** As {@link #reject(String, String, DatasetFormatException)} with the key given. */
  public void reject(String video, String expId, String key, DatasetFormatException e)
      throws DatasetFormatException {
    if (policy == BadSamplePolicy.FAIL) {
      throw e;
    }
    BadSample b = BadSample.of(source, video, expId, key, e);
    entries.add(b);
    bad++;
    LOG.warn("skipping bad sample {} ({}): {}", key, source, e.getMessage());
  }

  /** Records an expression whose target is null in every frame (left out under both policies). */
  void allNull(String video, String expId, String file, String reason) {
    entries.add(new BadSample(source, video, expId, BadSample.ALL_NULL, file,
        BadSample.metaKey(video, expId), reason));
    allNull++;
  }

  /** The source name the entries carry. */
  public String source() {
    return source;
  }

  public BadSamplePolicy policy() {
    return policy;
  }

  /** Everything left out, in the order found. */
  public List<BadSample> entries() {
    return List.copyOf(entries);
  }

  /** Entries of kind {@link BadSample#BAD}. */
  public long badCount() {
    return bad;
  }

  /** Entries of kind {@link BadSample#ALL_NULL}. */
  public long allNullCount() {
    return allNull;
  }
}
