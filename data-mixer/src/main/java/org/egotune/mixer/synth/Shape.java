package org.egotune.mixer.synth;

import java.util.List;

/** The shapes a synthetic object can have, each rasterised into an s x s footprint. */
enum Shape {
  SQUARE("square"),
  CIRCLE("circle"),
  TRIANGLE("triangle"),
  /** A horizontal band a quarter of the box high: egocentric clutter only, never a target. */
  BAR("bar");

  /** What an expression can name. */
  static final List<Shape> TARGETS = List.of(SQUARE, CIRCLE, TRIANGLE);

  private final String word;

  Shape(String word) {
    this.word = word;
  }

  /** The word used in expressions. */
  String word() {
    return word;
  }

  /** The shape's pixels in an {@code s x s} box, row-major; pixel centres decide membership. */
  boolean[] footprint(int s) {
    boolean[] f = new boolean[s * s];
    double c = s / 2.0;
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        double px = x + 0.5;
        double py = y + 0.5;
        f[y * s + x] =
            switch (this) {
              case SQUARE -> true;
              case CIRCLE -> (px - c) * (px - c) + (py - c) * (py - c) <= c * c;
                // apex at the top centre, base along the bottom row
              case TRIANGLE -> Math.abs(px - c) <= (py / s) * c;
              case BAR -> Math.abs(py - c) <= Math.max(1, s / 4) / 2.0;
            };
      }
    }
    return f;
  }

  /** The side whose footprint area is closest to {@code targetArea}, capped at {@code maxSide}. */
  int sideForArea(double targetArea, int maxSide) {
    int best = 2;
    double bestErr = Double.MAX_VALUE;
    for (int s = 2; s <= maxSide; s++) {
      double err = Math.abs(area(footprint(s)) - targetArea);
      if (err < bestErr) {
        bestErr = err;
        best = s;
      }
    }
    return best;
  }

  static int area(boolean[] footprint) {
    int n = 0;
    for (boolean b : footprint) {
      if (b) {
        n++;
      }
    }
    return n;
  }
}
