package org.egotune.mixer.mix;

import java.util.List;

/**
 * One source of a job's mixture as training, the audit and the benchmarks see it: its name, its
 * prepared dataset directory ({@code <shards>/<name>}), sample count and weight.
 *
 * @param name the source name, as in {@code data.mix} (group keys already split into members)
 * @param dir the prepared dataset directory, as a Hadoop path string
 * @param size the samples in its manifest; 1 when {@code known} is false (the order of sources never
 *     depends on sizes, only which sample of a source is drawn does)
 * @param weight its share of the mixture
 * @param known whether the dataset was prepared (a manifest was read)
 */
public record ResolvedSource(String name, String dir, long size, double weight, boolean known)
    implements java.io.Serializable {

  public ResolvedSource {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("source name must not be blank");
    }
    if (size < 1) {
      throw new IllegalArgumentException("source " + name + ": size must be >= 1, found " + size);
    }
  }

  /** The mixer's view: name, size, weight. */
  public MixSource mixSource() {
    return new MixSource(name, size, weight);
  }

  /** The mixer's view of every source, in order. */
  public static List<MixSource> mixSources(List<ResolvedSource> sources) {
    return sources.stream().map(ResolvedSource::mixSource).toList();
  }

  /** The global sample order of these sources under {@code seed}. */
  public static RatioMixer mixer(List<ResolvedSource> sources, long seed) {
    return new RatioMixer(mixSources(sources), seed);
  }
}
