package org.egotune.model.text;

import java.util.Locale;

/**
 * Turns a referring expression into a fixed-size bag of hashed tokens: lower-cased words, each
 * hashed with 32-bit FNV-1a into one of {@code vocab} buckets. Needs no vocabulary file, so the same
 * text always gives the same vector on every machine.
 */
public final class HashedTokens {
  private HashedTokens() {}

  /** Multi-hot vector of length {@code vocab}: 1 for each bucket some word of the text hashes to. */
  public static float[] encode(String text, int vocab) {
    if (vocab <= 0) {
      throw new IllegalArgumentException("vocab must be positive, found " + vocab);
    }
    float[] out = new float[vocab];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!word.isEmpty()) {
        out[bucket(word, vocab)] = 1f;
      }
    }
    return out;
  }

  static int bucket(String word, int vocab) {
    int h = 0x811c9dc5;
    for (int i = 0; i < word.length(); i++) {
      h ^= word.charAt(i);
      h *= 0x01000193;
    }
    return Integer.remainderUnsigned(h, vocab);
  }
}
