package org.egotune.mixer.mix;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.shard.DatasetManifest;

/**
 * Turns a job's {@code data.mix} and {@code data.shards} into its sources with their sizes: the one
 * place every caller (training, the audit, the sweep, the benchmarks) resolves a mixture. A group key
 * ({@code a+b}) is split over its members by their prepared sizes ({@link MixGroups}).
 */
public final class SourceResolver {
  private SourceResolver() {}

  /**
   * Every source of {@code mix}, prepared under {@code shards}; a source that is missing, unreadable
   * or empty while weighted is the user's to fix and fails naming its key and directory.
   *
   * @throws IllegalArgumentException naming {@code data.mix.<source>} and the dataset directory
   */
  public static List<ResolvedSource> resolve(Configuration conf, String shards, Map<String, Double> mix) {
    return resolve(conf, shards, mix, false);
  }

  /**
   * Like {@link #resolve}, but a source with no manifest yet comes back with {@code known = false}
   * and size 1 instead of failing (the audit reports shares before anything is prepared). Members of
   * a group key must still be prepared: their sizes split the group's weight.
   */
  public static List<ResolvedSource> resolveAllowingUnprepared(
      Configuration conf, String shards, Map<String, Double> mix) {
    return resolve(conf, shards, mix, true);
  }

  private static List<ResolvedSource> resolve(
      Configuration conf, String shards, Map<String, Double> mix, boolean allowUnprepared) {
    // Group members' sizes are read once, for the split, and reused below.
    Map<String, Long> sizes = new HashMap<>();
    Map<String, Double> expanded = MixGroups.expand(mix, name -> {
      try {
        long n = DatasetManifest.read(conf, new Path(shards, name)).totalSamples();
        sizes.put(name, n);
        return n;
      } catch (IOException ex) {
        throw new IllegalArgumentException("data.mix: group member " + name + " is split by size, so"
            + " it must be prepared (run `egotune prepare` first): " + ex.getMessage(), ex);
      }
    });
    List<ResolvedSource> out = new ArrayList<>(expanded.size());
    for (Map.Entry<String, Double> e : expanded.entrySet()) {
      Path dir = new Path(shards, e.getKey());
      Long known = sizes.get(e.getKey());
      if (known == null && allowUnprepared && !hasManifest(conf, dir)) {
        out.add(new ResolvedSource(e.getKey(), dir.toString(), 1, e.getValue(), false));
        continue;
      }
      long size = known != null ? known : size(conf, dir, e.getKey());
      if (size == 0 && e.getValue() > 0) {
        throw new IllegalArgumentException("data.mix." + e.getKey() + ": dataset " + dir + " is empty");
      }
      out.add(new ResolvedSource(e.getKey(), dir.toString(), Math.max(1, size), e.getValue(), true));
    }
    return out;
  }

  private static long size(Configuration conf, Path dir, String name) {
    try {
      return DatasetManifest.read(conf, dir).totalSamples();
    } catch (IOException ex) {
      throw new IllegalArgumentException("data.mix." + name + ": cannot read the prepared dataset "
          + dir + " (run `egotune prepare` first): " + ex.getMessage(), ex);
    }
  }

  private static boolean hasManifest(Configuration conf, Path dir) {
    Path manifest = new Path(dir, DatasetManifest.FILE_NAME);
    try {
      FileSystem fs = manifest.getFileSystem(conf);
      return fs.exists(manifest);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot reach " + manifest + ": " + e.getMessage(), e);
    }
  }
}
