package org.egotune.cluster.cli;

import java.util.Iterator;
import org.egotune.mixer.layout.DatasetLayout;
import org.egotune.mixer.layout.DatasetLayouts;

/** {@code --layout} help and completion candidates, from the layout registry. */
final class LayoutNames {
  private LayoutNames() {}

  /** Every registered layout ({@code generate}). */
  static final class All implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return DatasetLayouts.names().iterator();
    }
  }

  /** The training layouts ({@code prepare}). */
  static final class Training implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return DatasetLayouts.names(DatasetLayout.Role.TRAINING).iterator();
    }
  }
}
