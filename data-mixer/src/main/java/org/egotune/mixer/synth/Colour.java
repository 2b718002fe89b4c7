package org.egotune.mixer.synth;

import java.util.List;

/** A saturated object colour and its name in expressions. */
record Colour(String name, int r, int g, int b) {

  /** The palette: saturated and far apart, so the colour word alone identifies a target. */
  static final List<Colour> ALL =
      List.of(
          new Colour("red", 220, 30, 30),
          new Colour("green", 30, 190, 40),
          new Colour("blue", 30, 60, 220),
          new Colour("yellow", 235, 220, 30),
          new Colour("magenta", 220, 40, 200),
          new Colour("cyan", 30, 210, 220),
          new Colour("orange", 245, 140, 20),
          new Colour("white", 250, 250, 250));

  int rgb() {
    return (r << 16) | (g << 8) | b;
  }
}
