package org.egotune.cluster.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.config.JobConfig;
import org.egotune.mixer.mix.MixAudit;
import org.egotune.mixer.mix.MixSource;
import org.egotune.mixer.shard.DatasetManifest;

/**
 * Audits a job's mixture as training would draw it: the sources of {@code data.mix} in order, the
 * seed, {@code train.steps x spark.workers x train.batchSize} positions, and windows of one
 * averaging round. Sizes come from {@code <data.shards>/<source>/manifest.json}; a source without
 * a manifest is audited with its size unknown (its shares and deviations are exact all the same,
 * since which source is drawn never depends on the sizes; only its epochs are left out) and a note
 * says so. A group key ({@code a+b}) is split by its members' sizes, which must be prepared.
 */
public final class JobAudit {
  private JobAudit() {}

  /** The audit and the notes to show with it (sources not prepared yet). */
  public record Result(MixAudit.Report report, List<String> notes) {}

  public static Result run(JobConfig cfg, Configuration conf) throws IOException {
    List<MixSource> sources = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Double> mix = cfg.data().resolvedMix(conf);
    boolean[] known = new boolean[mix.size()];
    int i = 0;
    for (Map.Entry<String, Double> e : mix.entrySet()) {
      Path dir = new Path(cfg.data().shards(), e.getKey());
      Path manifest = new Path(dir, DatasetManifest.FILE_NAME);
      FileSystem fs = manifest.getFileSystem(conf);
      long size = 1; // a placeholder: the source order does not depend on it
      if (fs.exists(manifest)) {
        size = DatasetManifest.read(conf, dir).totalSamples();
        if (size < 1) {
          throw new IllegalStateException("data.mix." + e.getKey() + ": dataset " + dir + " is empty");
        }
        known[i] = true;
      } else {
        notes.add("note: " + e.getKey() + " is not prepared yet (no " + manifest + "): its size and"
            + " epochs are unknown; shares and deviations do not depend on sizes and are exact.");
      }
      sources.add(new MixSource(e.getKey(), size, e.getValue()));
      i++;
    }
    long total = Math.multiplyExact(Math.multiplyExact((long) cfg.train().steps(), cfg.spark().workers()),
        (long) cfg.train().batchSize());
    long window = (long) cfg.spark().workers() * cfg.train().batchSize() * cfg.spark().averagingEvery();
    return new Result(MixAudit.audit(sources, known, cfg.train().seed(), total, window), notes);
  }
}
