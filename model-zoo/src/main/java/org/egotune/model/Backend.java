package org.egotune.model;

import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses ND4J's native build before ND4J loads. EgoTune's CPU build depends on ND4J's oneDNN
 * variant of the native library (about 3x faster convolutions than the plain build), which JavaCPP
 * only loads when the system property {@value #EXTENSION_PROPERTY} is {@code -onednn}; this class
 * sets it when the variant is on the classpath and nobody chose otherwise. With the CUDA profile the
 * variant is absent and nothing is changed.
 */
public final class Backend {
  /** JavaCPP's property that selects a native-library variant. */
  public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

  private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

  private Backend() {}

  /** Sets {@value #EXTENSION_PROPERTY} to {@code -onednn} if unset and the variant is present. */
  public static synchronized void configure() {
    String chosen = chooseExtension(System.getProperty(EXTENSION_PROPERTY), oneDnnPresent());
    if (chosen != null && System.getProperty(EXTENSION_PROPERTY) == null) {
      System.setProperty(EXTENSION_PROPERTY, chosen);
      LOG.debug("ND4J native variant: {}", chosen);
    }
  }

  /**
   * The extension to use: an explicit choice wins; otherwise {@code -onednn} when that variant is
   * on the classpath; otherwise none (null).
   */
  static String chooseExtension(String explicit, boolean oneDnnPresent) {
    if (explicit != null) {
      return explicit;
    }
    return oneDnnPresent ? "-onednn" : null;
  }

  static boolean oneDnnPresent() {
    String res = "org/nd4j/linalg/cpu/nativecpu/bindings/" + Loader.getPlatform() + "-onednn/";
    ClassLoader cl = Backend.class.getClassLoader();
    return cl != null && cl.getResource(res) != null;
  }
}
