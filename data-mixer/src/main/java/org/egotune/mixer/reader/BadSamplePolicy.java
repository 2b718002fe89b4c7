package org.egotune.mixer.reader;

import java.util.Locale;

/**
 * What a training-layout read does with a sample it cannot use: stop with the error ({@link #FAIL},
 * the default) or leave the sample out and list it in the report ({@link #SKIP}).
 */
public enum BadSamplePolicy {
  /** The first bad sample ends the read with a {@link DatasetFormatException}. */
  FAIL,
  /** Bad samples are left out and listed, with the reason, in {@link BadSamples#entries()}. */
  SKIP;

  /** The policy named {@code fail} or {@code skip} (any case), as the CLI and config spell it. */
  public static BadSamplePolicy parse(String name, String field) {
    if (name != null) {
      switch (name.trim().toLowerCase(Locale.ROOT)) {
        case "fail":
          return FAIL;
        case "skip":
          return SKIP;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(field + " must be 'fail' or 'skip', found '" + name + "'");
  }

  /** The name as the CLI and config spell it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
