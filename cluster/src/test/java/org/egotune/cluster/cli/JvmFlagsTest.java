package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bin/egotune passes the JVM the same module flags as the POM's surefire argLine. */
class JvmFlagsTest {
  private static Set<String> split(String s) {
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).forEach(out::add);
    return out;
  }

  private static String quoted(Pattern p, String text, String where) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), where + " must define " + p.pattern());
    String v = m.group(1);
    assertNotNull(v, where);
    return v;
  }

  @Test
  void launcherAndPomAgree() throws Exception {
    Path script = Path.of("..", "bin", "egotune");
    Path pom = Path.of("..", "pom.xml");
    assertTrue(Files.isRegularFile(script), script.toAbsolutePath() + " must exist");
    assertTrue(Files.isRegularFile(pom), pom.toAbsolutePath() + " must exist");

    Set<String> launcher = split(quoted(
        Pattern.compile("(?m)^\\s*JVM_FLAGS=\"([^\"]*)\""), Files.readString(script), script.toString()));
    Set<String> maven = split(quoted(
        Pattern.compile("<egotune\\.jvm\\.flags>([^<]*)</egotune\\.jvm\\.flags>"), Files.readString(pom),
        pom.toString()));

    assertFalse(maven.isEmpty(), "pom.xml's egotune.jvm.flags must not be empty");
    assertTrue(maven.stream().anyMatch(f -> f.startsWith("--add-opens=java.base/java.lang=")),
        "egotune.jvm.flags must contain Spark's --add-opens flags, found " + maven);

    Set<String> onlyLauncher = new TreeSet<>(launcher);
    onlyLauncher.removeAll(maven);
    Set<String> onlyPom = new TreeSet<>(maven);
    onlyPom.removeAll(launcher);
    assertEquals(maven, launcher, "bin/egotune JVM_FLAGS and pom.xml <egotune.jvm.flags> differ:"
        + " only in bin/egotune: " + onlyLauncher + "; only in pom.xml: " + onlyPom);
  }
}
