package org.egotune.mixer.record;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Frames read in place from a zip archive (VISOR's per-video {@code rgb_frames} zips), never
 * unpacked to disk. A record names such a frame {@code jar:<zip file URI>!/<entry>}, the JDK's own
 * syntax for a zip entry; the zip must be on the local file system.
 */
public final class ZipFrames {
  private static final String PREFIX = "jar:";
  private static final String SEPARATOR = "!/";

  private ZipFrames() {}

  /** The frame file string of {@code entry} inside {@code zip}. */
  public static String uri(Path zip, String entry) {
    return PREFIX + zip.toAbsolutePath().toUri() + SEPARATOR + entry;
  }

  /** Whether {@code file} names a zip entry (as {@link #uri} writes it). */
  public static boolean isZipEntry(String file) {
    return file.startsWith(PREFIX) && file.lastIndexOf(SEPARATOR) > PREFIX.length();
  }

  /**
   * All bytes of the entry {@code file} names.
   *
   * @throws IOException naming the zip and the entry when either is missing or unreadable
   */
  public static byte[] read(String file) throws IOException {
    int sep = file.lastIndexOf(SEPARATOR);
    if (!file.startsWith(PREFIX) || sep <= PREFIX.length()) {
      throw new IOException(file + ": not a zip entry (expected jar:<zip URI>!/<entry>)");
    }
    Path zip;
    try {
      zip = Path.of(new URI(file.substring(PREFIX.length(), sep)));
    } catch (java.net.URISyntaxException | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException e) {
      throw new IOException(file + ": not a local zip file URI: " + e.getMessage(), e);
    }
    String entry = file.substring(sep + SEPARATOR.length());
    if (!java.nio.file.Files.isRegularFile(zip)) {
      throw new java.io.FileNotFoundException(zip + ": zip file not found");
    }
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry e = z.getEntry(entry);
      if (e == null || e.isDirectory()) {
        throw new java.io.FileNotFoundException(zip + ": no entry " + entry + " in the zip");
      }
      try (InputStream in = z.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }
}
