package org.egotune.mixer.reader;

import java.util.Objects;

/**
 * One expression left out of a prepared dataset, as a line of its {@code bad-samples.jsonl}.
 *
 * @param source the dataset's source name
 * @param video the video, or {@code null} when the problem is not tied to one (a malformed key)
 * @param expId the expression id, or {@code null} when the whole video (or entry) was unusable and
 *     its expressions could not be listed
 * @param kind {@link #BAD} (a format problem; only ever left out under {@link BadSamplePolicy#SKIP})
 *     or {@link #ALL_NULL} (the target is null in every frame; always left out, as the released
 *     recipes do)
 * @param file the file the problem is in
 * @param key where the sample is named: {@code videos.<video>.expressions.<id>} in the meta file,
 *     or the offending key of a mask dict
 * @param reason what was found and what was expected, starting with the key inside {@code file}
 */
public record BadSample(
    String source, String video, String expId, String kind, String file, String key, String reason)
    implements java.io.Serializable {

  /** A format problem. */
  public static final String BAD = "bad";

  /** A target that is null in every frame. */
  public static final String ALL_NULL = "all-null";

  public BadSample {
    Objects.requireNonNull(source, "source");
    if (!BAD.equals(kind) && !ALL_NULL.equals(kind)) {
      throw new IllegalArgumentException("kind must be '" + BAD + "' or '" + ALL_NULL + "', found " + kind);
    }
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * The entry for {@code e}. Every reader message starts with the file and {@code ": "} (a
   * convention the reader tests check), so the file and the rest of the message are split there.
   */
  public static BadSample of(String source, String video, String expId, String key,
      java.io.IOException e) {
    String msg = String.valueOf(e.getMessage());
    int i = msg.indexOf(": ");
    String file = i > 0 ? msg.substring(0, i) : "";
    String reason = i > 0 ? msg.substring(i + 2) : msg;
    return new BadSample(source, video, expId, BAD, file, key, reason);
  }

  /** The sample's key in a {@code meta_expressions.json}. */
  public static String metaKey(String video, String expId) {
    return "videos." + video + (expId == null ? "" : ".expressions." + expId);
  }
}
