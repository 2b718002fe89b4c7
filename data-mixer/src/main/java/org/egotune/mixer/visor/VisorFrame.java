package org.egotune.mixer.visor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One {@code video_annotations} entry of a VISOR annotation file, its objects not yet parsed.
 *
 * @param index the entry's position in {@code video_annotations}
 * @param frame the frame's file name without extension, {@code <video>_frame_<10 digits>}
 * @param number the 10-digit frame number
 * @param video {@code image.video}
 * @param imagePath {@code image.image_path}, or null when absent (the tools sort entries by it)
 * @param subsequence {@code image.subsequence} (sparse files), or null when absent
 * @param interpolation {@code image.interpolation} as text (dense files), or null when absent
 * @param annotations the {@code annotations} entries, parsed one by one with
 *     {@link VisorJson#object}
 */
public record VisorFrame(
    int index, String frame, long number, String video, String imagePath, String subsequence,
    String interpolation, List<JsonNode> annotations) {
  public VisorFrame {
    annotations = List.copyOf(annotations);
  }

  /** The key under {@code video_annotations} for error messages. */
  public String where() {
    return "video_annotations[" + index + "]";
  }
}
