package org.egotune.trainer.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.JobConfig;
import org.egotune.mixer.mix.MixAudit;
import org.egotune.mixer.mix.MixSource;
import org.egotune.mixer.mix.ResolvedSource;
import org.egotune.mixer.mix.SourceResolver;
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
    List<String> notes = new ArrayList<>();
    List<ResolvedSource> resolved =
        SourceResolver.resolveAllowingUnprepared(conf, cfg.data().shards(), cfg.data().mix());
    boolean[] known = new boolean[resolved.size()];
    for (int i = 0; i < known.length; i++) {
      ResolvedSource r = resolved.get(i);
      known[i] = r.known();
      if (!r.known()) {
        notes.add("note: " + r.name() + " is not prepared yet (no " + r.dir() + "/"
            + DatasetManifest.FILE_NAME + "): its size and epochs are unknown; shares and deviations"
            + " do not depend on sizes and are exact.");
      }
    }
    List<MixSource> sources = ResolvedSource.mixSources(resolved);
    long total = Math.multiplyExact(Math.multiplyExact((long) cfg.train().steps(), cfg.spark().workers()),
        (long) cfg.train().batchSize());
    long window = (long) cfg.spark().workers() * cfg.train().batchSize() * cfg.spark().averagingEvery();
    return new Result(MixAudit.audit(sources, known, cfg.train().seed(), total, window), notes);
  }
}
