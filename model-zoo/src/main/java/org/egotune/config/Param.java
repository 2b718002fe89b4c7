package org.egotune.config;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One field of a config section, declared once: its YAML/JSON key, meaning, default and valid
 * range, and the command-line flag that sets it (if any). Records validate a field with
 * {@link #check}; the docs page and the CLI help render {@link #defaultText()} and the range.
 *
 * @param key dotted key, {@code section.name} ({@code train.steps})
 * @param name record component and YAML key within the section ({@code steps})
 * @param defaultValue the default (never null)
 * @param range the values accepted
 * @param flag the command-line flag that sets the field ("" if none)
 * @param doc one line of Markdown: what the field means
 */
public record Param<T>(String key, String name, T defaultValue, Range<? super T> range, String flag, String doc) {

  /** {@code v} if valid ({@code null}, as an explicit YAML null: the default); otherwise throws naming key and value. */
  @SuppressWarnings("unchecked")
  public T check(T v) {
    T x = v == null ? defaultValue : v;
    ((Range<T>) range).check(key, x);
    return x;
  }

  /** The default as the docs and help show it: {@code empty} for "", maps as {@code {a: 0.8, b: 0.2}}. */
  public String defaultText() {
    if (defaultValue instanceof Map<?, ?> m) {
      return m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return "".equals(defaultValue) ? "empty" : String.valueOf(defaultValue);
  }

  @Override
  public boolean equals(Object o) {
    return this == o; // a field is its declaration
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
