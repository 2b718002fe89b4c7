package org.egotune.mixer.reader;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a {@link DatasetReader} reads and how.
 *
 * @param root the dataset root, the folder that holds the split folders
 * @param split the split to read, one plain path segment (e.g. {@code train}, {@code valid_u});
 *     which names a layout knows is the registry's business
 * @param source the source name the records carry
 * @param bad where unusable samples go (its policy decides: rethrow or record)
 */
public record ReadRequest(Path root, String split, String source, BadSamples bad) {
  public ReadRequest {
    Objects.requireNonNull(root, "root must not be null");
    Objects.requireNonNull(bad, "bad must not be null");
    if (split == null || split.isBlank() || split.equals(".") || split.equals("..")
        || split.indexOf('/') >= 0 || split.indexOf('\\') >= 0 || split.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "split must be one plain folder name (no '/', '\\', '.' or '..'), found '" + split + "'");
    }
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("source must be non-blank, found '" + source + "'");
    }
  }

  /** {@code <root>/<split>}: the split's own folder (frames, annotations, MeViS's JSON). */
  public Path splitDir() {
    return root.resolve(split);
  }

  /**
   * {@code <root>/meta_expressions/<split>/meta_expressions.json}: where the Ref-YouTube-VOS-style
   * layouts (EgoMask-Train, Ref-YouTube-VOS, Ref-DAVIS) keep a split's expressions.
   */
  public Path metaExpressionsFile() {
    return root.resolve("meta_expressions").resolve(split).resolve("meta_expressions.json");
  }
}
