package org.egotune.mixer.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Group keys of a mixture split their weight by the members' sizes, computed by hand here. */
class MixGroupsTest {
  private static final Map<String, Long> SIZES =
      Map.of("ytvos", 300L, "mevis", 150L, "davis", 50L, "ego", 1000L);

  private static Map<String, Double> mix(Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Double) kv[i + 1]);
    }
    return m;
  }

  @Test
  void groupWeightIsSplitBySize() {
    Map<String, Double> out = MixGroups.expand(mix("ego", 0.8, "ytvos + mevis+davis", 0.2), SIZES::get);
    assertEquals(List.of("ego", "ytvos", "mevis", "davis"), List.copyOf(out.keySet()));
    assertEquals(0.8, out.get("ego"), 1e-15);
    assertEquals(0.2 * 300 / 500, out.get("ytvos"), 1e-15);
    assertEquals(0.2 * 150 / 500, out.get("mevis"), 1e-15);
    assertEquals(0.2 * 50 / 500, out.get("davis"), 1e-15);
    double sum = out.values().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(1.0, sum, 1e-12);
  }

  @Test
  void withoutGroupsNothingChangesAndNoSizeIsAsked() {
    Map<String, Double> m = mix("ego", 0.5, "ytvos", 0.5);
    assertEquals(m, MixGroups.expand(m, s -> {
      throw new AssertionError("size of " + s + " asked");
    }));
  }

  @Test
  void badGroupsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MixGroups.expand(mix("ego", 0.8, "ytvos+ego", 0.2), SIZES::get));
    assertTrue(e.getMessage().contains("data.mix.ytvos+ego: source ego appears more than once"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MixGroups.expand(mix("ego", 0.8, "ytvos+", 0.2), SIZES::get));
    assertTrue(e.getMessage().contains("empty name"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> MixGroups.expand(mix("ego", 0.8, "ytvos+new", 0.2), s -> s.equals("new") ? 0 : 10));
    assertTrue(e.getMessage().contains("member new has 0 samples"), e.getMessage());
  }
}
