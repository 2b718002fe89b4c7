package org.egotune.trainer.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** EgoTune's version and the source commit, as recorded at build time. */
public final class Version {
  private static final Properties PROPS = load();

  private Version() {}

  /** The project version, e.g. {@code 0.1.0}. */
  public static String get() {
    return PROPS.getProperty("version", "unknown");
  }

  /** The git commit the code was built from, or {@code unknown}. */
  public static String commit() {
    String c = PROPS.getProperty("commit", "");
    if (c.isBlank() || c.startsWith("${")) {
      // bin/egotune exports the commit of the checkout it runs from.
      c = System.getenv().getOrDefault("EGOTUNE_GIT_COMMIT", "");
    }
    return c.isBlank() ? "unknown" : c;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/egotune-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // No version resource: report "unknown" rather than fail a run over provenance.
    }
    return p;
  }
}
