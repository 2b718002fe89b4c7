package org.egotune.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HashedTokensTest {
  @Test
  void fnv1aMatchesKnownVector() {
    // FNV-1a 32-bit of "a" is 0xe40c292c (published test vector).
    assertEquals(Integer.remainderUnsigned(0xe40c292c, 1000), HashedTokens.bucket("a", 1000));
  }

  @Test
  void caseAndPunctuationDoNotMatter() {
    assertArrayEquals(
        HashedTokens.encode("the red square", 64), HashedTokens.encode("The RED, square!", 64));
  }

  @Test
  void multiHot() {
    float[] v = HashedTokens.encode("red red red", 64);
    float sum = 0;
    for (float x : v) {
      sum += x;
    }
    assertEquals(1f, sum);
  }
}
