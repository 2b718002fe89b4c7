package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The build stamps the version and, in a git checkout, the source commit into the jar. */
class VersionTest {
  @Test
  void theBuildStampsTheCommitInAGitCheckout() {
    assertTrue(Version.get().matches("\\d+\\.\\d+\\.\\d+"), Version.get());
    // Tests run from the module directory; the checkout's .git is one level up.
    boolean checkout = Files.isDirectory(Path.of("..", ".git"));
    if (checkout && System.getenv("EGOTUNE_GIT_COMMIT") == null) {
      assertTrue(Version.commit().matches("[0-9a-f]{40}"), "stamped commit: " + Version.commit());
    } else if (!checkout) {
      assertEquals("unknown", Version.commit());
    }
  }
}
