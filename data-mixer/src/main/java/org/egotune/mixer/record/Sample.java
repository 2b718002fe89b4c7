package org.egotune.mixer.record;

import java.util.List;
import java.util.Objects;

/**
 * A self-contained training or evaluation sample as a shard stores it: the record plus the encoded
 * bytes (JPEG or PNG) of each of its frames.
 */
public record Sample(ClipRecord record, List<byte[]> frames) {
  public Sample {
    Objects.requireNonNull(record, "record");
    frames = List.copyOf(frames);
    if (frames.size() != record.frameNames().size()) {
      throw new IllegalArgumentException(
          "video " + record.video() + ": " + frames.size() + " frame images for "
              + record.frameNames().size() + " frame names");
    }
  }
}
