package org.egotune.mixer.reader;

import java.util.List;
import org.egotune.mixer.record.ClipRecord;

/**
 * What a read of a training layout produced: the usable records and how many expressions were
 * skipped because their target is null in every frame (the released recipes skip these too).
 *
 * @param records the expressions whose target has a mask in at least one frame
 * @param skippedAllNull expressions skipped because their target is null in every frame (the
 *     count is also logged at INFO)
 */
public record ReadResult(List<ClipRecord> records, int skippedAllNull) {
  public ReadResult {
    records = List.copyOf(records);
    if (skippedAllNull < 0) {
      throw new IllegalArgumentException("skippedAllNull must be >= 0, found " + skippedAllNull);
    }
  }
}
