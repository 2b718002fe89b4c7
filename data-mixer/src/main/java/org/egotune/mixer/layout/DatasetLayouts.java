package org.egotune.mixer.layout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.egotune.mixer.layout.DatasetLayout.Role;
import org.egotune.mixer.reader.DepthReader;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.reader.EgoMaskTrainReader;
import org.egotune.mixer.reader.MevisReader;
import org.egotune.mixer.reader.RefYoutubeVosReader;
import org.egotune.mixer.reader.VisorReader;
import org.egotune.mixer.synth.Layout;

/**
 * The registry of dataset layouts, keyed by name. {@code prepare}, {@code generate}, the CLI's help
 * and completion and docs/data.md (checked by a test) list layouts from here. Adding a layout is
 * one reader class, one generator ({@link Layout}) and one line below.
 */
public final class DatasetLayouts {

  private static final Map<String, DatasetLayout> BY_NAME = register(
      new DatasetLayout("egomask-train", Role.TRAINING, List.of("train"),
          new EgoMaskTrainReader(), Layout.EGOMASK_TRAIN),
      new DatasetLayout("egomask-bench", Role.BENCHMARK,
          List.of(EgoMaskBenchReader.FULL, "short", "medium", "long"),
          new EgoMaskBenchReader(), Layout.EGOMASK_BENCH),
      new DatasetLayout("ref-youtube-vos", Role.TRAINING, List.of("train", "valid"),
          new RefYoutubeVosReader(), Layout.REF_YOUTUBE_VOS),
      new DatasetLayout("mevis", Role.TRAINING, List.of("train", "valid_u", "valid"),
          new MevisReader(), Layout.MEVIS),
      new DatasetLayout("ref-davis", Role.TRAINING, List.of("train", "valid"),
          new RefYoutubeVosReader(), Layout.REF_DAVIS),
      new DatasetLayout("depth", Role.TRAINING, List.of("train", "valid"),
          new DepthReader(), Layout.DEPTH),
      new DatasetLayout("visor", Role.TRAINING, List.of("train", "val", "train-dense", "val-dense"),
          new VisorReader(), Layout.VISOR));

  private DatasetLayouts() {}

  private static Map<String, DatasetLayout> register(DatasetLayout... layouts) {
    Map<String, DatasetLayout> m = new LinkedHashMap<>();
    for (DatasetLayout l : layouts) {
      if (m.put(l.name(), l) != null) {
        throw new IllegalStateException("layout " + l.name() + " is registered twice");
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * The layout named {@code name}.
   *
   * @throws IllegalArgumentException listing the registered names when there is none
   */
  public static DatasetLayout get(String name) {
    DatasetLayout l = BY_NAME.get(name);
    if (l == null) {
      throw new IllegalArgumentException("unknown layout '" + name + "', expected one of "
          + String.join(", ", names()));
    }
    return l;
  }

  /** Every registered layout, in registration order. */
  public static List<DatasetLayout> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** The registered names, in registration order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The names of the layouts with {@code role}, in registration order. */
  public static List<String> names(Role role) {
    List<String> out = new ArrayList<>();
    for (DatasetLayout l : BY_NAME.values()) {
      if (l.role() == role) {
        out.add(l.name());
      }
    }
    return out;
  }
}
