package org.egotune.config;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The values a {@link Param} accepts: {@link #text()} as the docs and messages show it ("&gt;= 1",
 * "in (0, 1)") and the check, which gives the error naming key and value ({@code "train.steps must be
 * >= 1, found 0"}), or null for a valid value.
 */
public record Range<T>(String text, BiFunction<String, T, String> error) {

  /** Values for which {@code ok} holds; the error reads {@code "<key> must be <text>, found <v>"}. */
  public static <T> Range<T> of(String text, Predicate<? super T> ok) {
    return new Range<>(text, (key, v) -> ok.test(v) ? null
        : key + " must be " + text + ", found " + (v instanceof String ? "'" + v + "'" : v));
  }

  /** Every value. */
  public static <T> Range<T> any() {
    return new Range<>("any", (key, v) -> null);
  }

  /** Finite numbers {@code >= min}. */
  public static <T extends Number> Range<T> atLeast(double min) {
    return of(">= " + num(min), v -> Double.isFinite(v.doubleValue()) && v.doubleValue() >= min);
  }

  /** Finite numbers {@code > min}. */
  public static <T extends Number> Range<T> above(double min) {
    return of("> " + num(min), v -> Double.isFinite(v.doubleValue()) && v.doubleValue() > min);
  }

  /** Numbers in {@code [lo, hi]}. */
  public static <T extends Number> Range<T> closed(double lo, double hi) {
    return of("in [" + num(lo) + ", " + num(hi) + "]", v -> v.doubleValue() >= lo && v.doubleValue() <= hi);
  }

  /** Numbers in {@code (lo, hi)}. */
  public static <T extends Number> Range<T> open(double lo, double hi) {
    return of("in (" + num(lo) + ", " + num(hi) + ")", v -> v.doubleValue() > lo && v.doubleValue() < hi);
  }

  /** Multiples of {@code m} in {@code [lo, hi]}. */
  public static Range<Integer> multipleOf(int m, int lo, int hi) {
    return of("a multiple of " + m + " in [" + lo + ", " + hi + "]", v -> v % m == 0 && v >= lo && v <= hi);
  }

  /** One of {@code names}. */
  public static Range<String> oneOf(List<String> names) {
    return of("one of " + String.join(", ", names), names::contains);
  }

  /** Strings that are not blank, described as {@code what} ("a path or Hadoop URI"). */
  public static Range<String> nonBlank(String what) {
    return of(what, v -> v != null && !v.isBlank());
  }

  /** Throws the error of {@code v} under {@code key}, if it has one. */
  void check(String key, T v) {
    String e = error.apply(key, v);
    if (e != null) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
