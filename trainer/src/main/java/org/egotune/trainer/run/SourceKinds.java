package org.egotune.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.mix.ResolvedSource;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.model.ModelConfig;

/**
 * Refuses a mixture whose sources do not fit the preset, before anything trains: a depth preset
 * trains on depth sources only (samples with depth labels, the {@code depth} layout) and a mask
 * preset on sources without them. A source's kind is that of its first sample ({@code prepare} writes
 * one kind per dataset: a shard never mixes them). A source that cannot be read here is left to the
 * workers, so damaged shards are still reported as the workers' bad input.
 */
final class SourceKinds {
  private SourceKinds() {}

  /** Fails naming the first source of {@code sources} whose kind does not fit {@code model}. */
  static void check(Configuration conf, List<ResolvedSource> sources, ModelConfig model) {
    for (ResolvedSource s : sources) {
      if (!s.known()) {
        continue; // not prepared: the resolver or the first read reports it
      }
      Boolean depth = hasDepth(conf, s);
      if (depth == null) {
        continue;
      }
      if (model.predictsDepth() && !depth) {
        throw new IllegalArgumentException("data.mix source '" + s.name() + "' (" + s.dir() + ") has no depth"
            + " labels, but model.preset " + model.preset() + " predicts depth: a depth preset trains on depth"
            + " sources only (prepare one with --layout depth, docs/data.md)");
      }
      if (!model.predictsDepth() && depth) {
        throw new IllegalArgumentException("data.mix source '" + s.name() + "' (" + s.dir() + ") is a depth"
            + " source, but model.preset " + model.preset() + " predicts masks: train it with "
            + ModelConfig.DEPTH_SMALL + " or " + ModelConfig.DEPTH_FULL + ", or leave it out of data.mix");
      }
    }
  }

  /**
   * Whether the source's samples carry depth labels; null when that cannot be told here (an empty
   * or damaged dataset), which is left to the workers, whose reads report bad input as such.
   */
  private static Boolean hasDepth(Configuration conf, ResolvedSource s) {
    try (ShardedDataset ds = ShardedDataset.open(conf, new Path(s.dir()))) {
      if (ds.size() == 0) {
        return null;
      }
      Sample first = ds.get(0);
      return !first.depths().isEmpty();
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }
}
