package org.egotune.mixer.mix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Mixture keys that name a group of sources, {@code "ref-youtube-vos+mevis+ref-davis": 0.2}: the
 * group's weight is split over its members in proportion to their sizes (so within the group every
 * sample is equally likely, as if the members were one dataset). Sub-weights chosen by hand are
 * simply separate keys.
 */
public final class MixGroups {
  /** Separates the members of a group key. */
  public static final String SEPARATOR = "+";

  private MixGroups() {}

  /**
   * The mixture with every group key replaced, at its place, by its members and their share of the
   * group's weight.
   *
   * @param sizeOf the number of samples of a member source; asked only for group members
   * @throws IllegalArgumentException naming the key if a member is blank, listed twice, also a key
   *     of its own, or has no samples
   */
  public static Map<String, Double> expand(Map<String, Double> mix, ToLongFunction<String> sizeOf) {
    Set<String> seen = new HashSet<>();
    for (String k : mix.keySet()) {
      if (!k.contains(SEPARATOR)) {
        seen.add(k.trim());
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : mix.entrySet()) {
      String key = e.getKey();
      if (!key.contains(SEPARATOR)) {
        out.put(key, e.getValue());
        continue;
      }
      List<String> members = new ArrayList<>();
      for (String m : key.split("\\+", -1)) {
        String name = m.trim();
        if (name.isEmpty()) {
          throw new IllegalArgumentException(
              "data.mix." + key + ": a group lists sources joined by '+', found an empty name");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              "data.mix." + key + ": source " + name + " appears more than once in the mixture");
        }
        members.add(name);
      }
      long[] sizes = new long[members.size()];
      double total = 0;
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = sizeOf.applyAsLong(members.get(i));
        if (sizes[i] < 1) {
          throw new IllegalArgumentException("data.mix." + key + ": member " + members.get(i)
              + " has " + sizes[i] + " samples (a group is split by size; expected a prepared,"
              + " non-empty dataset)");
        }
        total += sizes[i];
      }
      for (int i = 0; i < sizes.length; i++) {
        out.put(members.get(i), e.getValue() * (sizes[i] / total));
      }
    }
    return out;
  }
}
