package org.egotune.cluster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.egotune.trainer.audit.JobAudit;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.quickstart.Quickstart;
import org.egotune.mixer.mix.MixAudit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code egotune audit}: the realised mixture of a job without training it (see
 * {@link JobAudit}).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Print the realised share of each source over the whole run and in the worst window"
        + " (one averaging round's global batch), the worst prefix deviation, and how often each source"
        + " repeats. Without --config: the quickstart's default job (shards in egotune-quickstart/shards).",
        "Source sizes come from the prepared manifests; a source not prepared yet is audited all the same"
        + " (which source is drawn never depends on the sizes) but its epochs are unknown."})
final class AuditCommand implements Callable<Integer> {
  @Mixin JobOptions job;

  @Option(names = "--json", description = "Print (or write, with --out) the audit as JSON.")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the output to FILE instead of stdout.")
  Path out;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> base = new java.util.HashMap<>();
    if (job.config == null) {
      base.put("data.shards", Quickstart.job(Quickstart.Options.defaults(Path.of(QUICKSTART_OUT))).data().shards());
      if (job.shards == null) {
        job.shards = (String) base.get("data.shards");
      }
    }
    JobConfig cfg = job.load(Map.of());
    String origin = job.config == null ? "the quickstart's default job" : job.config.toString();
    if (!cfg.equals(ConfigLoader.load(job.config, base))) {
      origin += " with the command-line flags";
    }
    JobAudit.Result r = JobAudit.run(cfg, new org.apache.hadoop.conf.Configuration());
    String text = json ? toJson(origin, cfg, r) : toText(origin, cfg, r);
    if (out != null) {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, text);
      System.out.println("audit written to " + out);
    } else {
      System.out.print(text);
    }
    return 0;
  }

  /** The quickstart's default --out. */
  static final String QUICKSTART_OUT = "egotune-quickstart";

  static String toText(String origin, JobConfig cfg, JobAudit.Result r) {
    MixAudit.Report a = r.report();
    StringBuilder b = new StringBuilder();
    b.append(String.format("audit of %s: %d steps x %d workers x batch %d = %d samples, seed %d%n", origin,
        cfg.train().steps(), cfg.spark().workers(), cfg.train().batchSize(), a.total(), cfg.train().seed()));
    b.append(String.format("window = one averaging round's global batch: %d workers x %d x %d steps = %d"
        + " samples; %d windows%n", cfg.spark().workers(), cfg.train().batchSize(), cfg.spark().averagingEvery(),
        a.windowSize(), a.windows()));
    b.append(String.format("%n| source | weight | samples | realised | max prefix dev. | window share min..max"
        + " | worst window dev. | size | epochs | max uses of a sample |%n"));
    b.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < a.sources().size(); i++) {
      MixAudit.SourceAudit s = a.sources().get(i);
      b.append(String.format("| %s | %.4f | %d | %.4f | %.3f | %.4f..%.4f | %.3f (window %d) | %s | %s | %s |%n",
          s.name(), s.weight(), s.count(), s.realised(), s.maxPrefixDeviation(), s.windowShareMin(),
          s.windowShareMax(), s.worstWindowDeviation(), s.worstWindow(),
          s.size() < 0 ? "?" : Long.toString(s.size()),
          s.size() < 0 ? "?" : String.format("%.2f", s.epochs()),
          s.size() < 0 ? "?" : Long.toString(s.maxUses())));
    }
    for (String note : r.notes()) {
      b.append(note).append('\n');
    }
    return b.toString();
  }

  static String toJson(String origin, JobConfig cfg, JobAudit.Result r) throws IOException {
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    MixAudit.Report a = r.report();
    ObjectNode root = om.createObjectNode();
    root.put("job", origin);
    root.put("shards", cfg.data().shards());
    root.put("seed", cfg.train().seed());
    root.put("steps", cfg.train().steps());
    root.put("workers", cfg.spark().workers());
    root.put("batchSize", cfg.train().batchSize());
    root.put("averagingEvery", cfg.spark().averagingEvery());
    root.put("total", a.total());
    ObjectNode w = root.putObject("window");
    w.put("definition", "one averaging round's global batch: workers x batchSize x averagingEvery"
        + " consecutive positions from a multiple of that size (the last may be shorter)");
    w.put("size", a.windowSize());
    w.put("count", a.windows());
    ArrayNode sources = root.putArray("sources");
    for (MixAudit.SourceAudit s : a.sources()) {
      ObjectNode n = sources.addObject();
      n.put("name", s.name());
      n.put("weight", s.weight());
      n.put("count", s.count());
      n.put("realised", s.realised());
      n.put("max_prefix_deviation", s.maxPrefixDeviation());
      n.put("max_prefix_deviation_at", s.maxPrefixDeviationAt());
      n.put("window_share_min", s.windowShareMin());
      n.put("window_share_max", s.windowShareMax());
      n.put("worst_window", s.worstWindow());
      n.put("worst_window_deviation", s.worstWindowDeviation());
      if (s.size() < 0) {
        n.putNull("size");
        n.putNull("epochs");
        n.putNull("max_uses");
      } else {
        n.put("size", s.size());
        n.put("epochs", s.epochs());
        n.put("max_uses", s.maxUses());
      }
      n.put("prepared", s.size() >= 0);
    }
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return om.writeValueAsString(root) + "\n";
  }
}
