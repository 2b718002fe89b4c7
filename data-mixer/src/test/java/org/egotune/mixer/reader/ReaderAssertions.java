package org.egotune.mixer.reader;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions shared by the reader tests: an error message must name every given part. */
final class ReaderAssertions {

  private ReaderAssertions() {}

  static void assertMessage(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
    }
  }

  /** {@code read} must fail with a {@link DatasetFormatException} naming every part. */
  static void assertFails(Executable read, String... parts) {
    assertMessage(assertThrows(DatasetFormatException.class, read), parts);
  }
}
