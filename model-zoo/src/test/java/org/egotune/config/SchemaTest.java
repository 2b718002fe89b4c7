package org.egotune.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaTest {
  record Point(int x, double y, String name) {}

  @Test
  void aSchemaThatIsNotItsRecordFailsOnFirstUse() {
    Schema<Point> s = new Schema<>("point", Point.class);
    s.param("x", 1, Range.any(), "", "x");
    s.param("name", "a", Range.any(), "", "name");
    IllegalStateException e = assertThrows(IllegalStateException.class, s::builder);
    assertTrue(e.getMessage().contains("[x, name]") && e.getMessage().contains("[x, y, name]"), e.getMessage());

    Schema<Point> typo = new Schema<>("point", Point.class);
    typo.param("x", 1, Range.any(), "", "x");
    typo.param("y", 2, Range.any(), "", "y (an int default for a double)");
    typo.param("name", "a", Range.any(), "", "name");
    e = assertThrows(IllegalStateException.class, typo::params);
    assertTrue(e.getMessage().startsWith("point.y"), e.getMessage());
  }

  @Test
  void rangesReadAsTheyCheck() {
    assertEquals("k must be >= 1, found 0", Range.<Integer>atLeast(1).error().apply("k", 0));
    assertNull(Range.<Integer>atLeast(1).error().apply("k", 1));
    assertEquals("k must be in (0, 1), found 1.0", Range.<Double>open(0, 1).error().apply("k", 1.0));
    assertEquals("k must be in [0, 0.5], found NaN", Range.<Double>closed(0, 0.5).error().apply("k", Double.NaN));
    assertEquals("k must be > 0, found Infinity", Range.<Double>above(0).error().apply("k", Double.POSITIVE_INFINITY));
    assertEquals("k must be a multiple of 4 in [8, 1024], found 10", Range.multipleOf(4, 8, 1024).error().apply("k", 10));
    assertEquals("k must be one of a, b, found 'c'", Range.oneOf(List.of("a", "b")).error().apply("k", "c"));
    assertEquals("k must be a path, found ' '", Range.nonBlank("a path").error().apply("k", " "));
  }

  @Test
  void defaultTextIsHowTheDocsShowIt() {
    Schema<Point> s = new Schema<>("p", Point.class);
    assertEquals("empty", s.param("x", "", Range.any(), "", "").defaultText());
    Map<String, Double> mix = new LinkedHashMap<>();
    mix.put("a", 0.8);
    mix.put("b", 0.2);
    assertEquals("{a: 0.8, b: 0.2}", s.param("y", mix, Range.any(), "", "").defaultText());
    assertEquals("0.003", s.param("name", 3e-3, Range.any(), "", "").defaultText());
  }
}
