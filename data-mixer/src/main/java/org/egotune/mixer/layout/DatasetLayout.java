package org.egotune.mixer.layout;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.egotune.mixer.reader.BadSamplePolicy;
import org.egotune.mixer.reader.BadSamples;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.reader.DatasetReader;
import org.egotune.mixer.reader.ReadRequest;
import org.egotune.mixer.reader.ReadResult;
import org.egotune.mixer.synth.Layout;

/**
 * One registered dataset layout: what {@code --layout NAME} means to {@code prepare},
 * {@code generate} and the docs.
 *
 * @param name the layout's name on the command line, and its records' default source
 * @param role whether {@code prepare} turns it into training shards or it is a benchmark
 * @param splits the split names the layout knows, the default first
 * @param reader reads one split into records
 * @param generator writes a synthetic dataset in this layout
 */
public record DatasetLayout(
    String name, Role role, List<String> splits, DatasetReader reader, Layout generator) {

  /** What a layout is for. */
  public enum Role {
    /** A training source: {@code prepare} converts it into shards. */
    TRAINING,
    /** A benchmark: read directly by {@code evaluate --benchmark} (and training's validation). */
    BENCHMARK;

    /** The role's name in the docs and messages. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public DatasetLayout {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must be non-blank, found '" + name + "'");
    }
    Objects.requireNonNull(role, "role must not be null");
    Objects.requireNonNull(reader, "reader must not be null");
    Objects.requireNonNull(generator, "generator must not be null");
    if (splits == null || splits.isEmpty()) {
      throw new IllegalArgumentException("splits of layout " + name + " must be non-empty, found " + splits);
    }
    splits = List.copyOf(splits);
    if (!generator.id().equals(name) || !generator.defaultSplit().equals(splits.get(0))) {
      throw new IllegalArgumentException("generator of layout " + name + " must be the synthetic layout "
          + name + " writing split " + splits.get(0) + " by default, found " + generator.id() + " ("
          + generator.defaultSplit() + ")");
    }
  }

  /** The split read when none is named: the training split of a training layout. */
  public String defaultSplit() {
    return splits.get(0);
  }

  /**
   * {@code split}, or the default split when it is null.
   *
   * @throws IllegalArgumentException naming the layout's splits when it knows no such split
   */
  public String split(String split) {
    if (split == null) {
      return defaultSplit();
    }
    if (!splits.contains(split)) {
      throw new IllegalArgumentException("--split " + split + " is not a split of layout " + name
          + " (expected one of " + String.join(", ", splits) + ")");
    }
    return split;
  }

  /** The default split under the layout's name, failing on the first bad sample. */
  public ReadResult read(Path root) throws DatasetFormatException {
    return read(root, null, null, null);
  }

  /**
   * Reads one split of {@code root}.
   *
   * @param split a name from {@link #splits()}, or null for the default split
   * @param source the records' source, or null for the layout's name
   * @param bad where unusable samples go, or null to fail on the first one
   * @throws IllegalArgumentException when the layout knows no such split
   * @throws DatasetFormatException as {@link DatasetReader#read}; when a file is missing and
   *     {@code root} is itself named like a split, the message says to pass the dataset root and
   *     {@code --split}
   */
  public ReadResult read(Path root, String split, String source, BadSamples bad)
      throws DatasetFormatException {
    String s = split(split);
    String src = source == null ? name : source;
    ReadRequest request = new ReadRequest(root, s, src,
        bad == null ? new BadSamples(BadSamplePolicy.FAIL, src) : bad);
    try {
      return reader.read(request);
    } catch (DatasetFormatException e) {
      Path last = root.getFileName();
      if (last != null && splits.contains(last.toString()) && String.valueOf(e.getMessage()).contains("not found")) {
        throw new DatasetFormatException(e.getMessage() + " (the input " + root + " looks like a split"
            + " folder: give the dataset root " + root.getParent() + " and --split " + last + ")", e);
      }
      throw e;
    }
  }
}
