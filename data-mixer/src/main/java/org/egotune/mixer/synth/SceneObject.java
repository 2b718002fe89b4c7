package org.egotune.mixer.synth;

import org.egotune.mixer.mask.Mask;

/**
 * One synthetic object: its look, its expression and where it is drawn in each frame. The mask of a
 * frame is exactly the pixels drawn for it (objects never overlap and stay inside the frame). A
 * distractor is an object without an expression.
 */
final class SceneObject {
  final String objId;
  final Colour colour;
  final Shape shape;
  final int side;
  final boolean[] footprint;
  /** Screen position (top-left of the footprint box) per frame; meaningful where visible. */
  final int[] x;
  final int[] y;
  final boolean[] visible;
  /** Bench only: absent frames left out of the annotation dict entirely (else written as null). */
  final boolean[] omitted;
  /** What refers to it; null for a distractor. */
  final String expression;

  SceneObject(
      String objId, Colour colour, Shape shape, int side, int[] x, int[] y, boolean[] visible,
      boolean[] omitted, String expression) {
    this.objId = objId;
    this.colour = colour;
    this.shape = shape;
    this.side = side;
    this.footprint = shape.footprint(side);
    this.x = x;
    this.y = y;
    this.visible = visible;
    this.omitted = omitted;
    this.expression = expression;
  }

  /** Pixels of the object whenever it is visible (it is never clipped by the frame border). */
  int area() {
    return Shape.area(footprint);
  }

  int firstVisible() {
    for (int t = 0; t < visible.length; t++) {
      if (visible[t]) {
        return t;
      }
    }
    return -1;
  }

  /** The drawn pixels in frame {@code t}, or {@code null} when the object is absent. */
  Mask mask(int t, int height, int width) {
    if (!visible[t]) {
      return null;
    }
    boolean[] m = new boolean[height * width];
    for (int dy = 0; dy < side; dy++) {
      for (int dx = 0; dx < side; dx++) {
        if (footprint[dy * side + dx]) {
          m[(y[t] + dy) * width + x[t] + dx] = true;
        }
      }
    }
    return new Mask(height, width, m);
  }
}
