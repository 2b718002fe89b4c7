package org.egotune.mixer.record;

import java.util.List;
import java.util.Objects;

/**
 * A self-contained training or evaluation sample as a shard stores it: the record plus the encoded
 * bytes (JPEG or PNG) of each of its frames and, when the record has depth labels, each frame's
 * checked normalised inverse-depth map ({@code height x width}, row-major; see
 * {@code org.egotune.mixer.depth.DepthLabels}).
 */
public record Sample(ClipRecord record, List<byte[]> frames, List<float[]> depths) {

  /** A sample without depth labels. */
  public Sample(ClipRecord record, List<byte[]> frames) {
    this(record, frames, List.of());
  }

  public Sample {
    Objects.requireNonNull(record, "record");
    frames = List.copyOf(frames);
    depths = List.copyOf(depths);
    if (depths.size() != record.depthFiles().size()) {
      throw new IllegalArgumentException(
          "video " + record.video() + ": " + depths.size() + " depth maps for "
              + record.depthFiles().size() + " depth files");
    }
    for (float[] d : depths) {
      if (d.length != record.height() * record.width()) {
        throw new IllegalArgumentException("video " + record.video() + ": a depth map of " + d.length
            + " values, expected " + record.height() + "x" + record.width());
      }
    }
    if (frames.size() != record.frameNames().size()) {
      throw new IllegalArgumentException(
          "video " + record.video() + ": " + frames.size() + " frame images for "
              + record.frameNames().size() + " frame names");
    }
  }
}
