package org.egotune.mixer.reader;

import java.io.IOException;

/**
 * A dataset on disk does not match its documented layout; the message names the file, the key
 * inside it (video / expression / frame) and what was expected.
 */
public class DatasetFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public DatasetFormatException(String message) {
    super(message);
  }

  public DatasetFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
