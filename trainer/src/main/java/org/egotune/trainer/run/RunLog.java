package org.egotune.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.plot.LinePlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's {@code metrics.jsonl} (one JSON object per round) and {@code loss.png}, on any Hadoop file
 * system. Append is not available everywhere, so the lines are kept in memory and the whole file is
 * replaced on every {@link #write}: the new content goes to {@code metrics.jsonl.tmp} (closed and
 * hsync'ed), then the old file is deleted and the temporary one renamed into place. A crash leaves
 * either the old complete file, or (between delete and rename) only a complete temporary file,
 * which {@link #open} then reads; a partial temporary file is never read while the real file exists.
 */
public final class RunLog {
  private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);
  public static final String FILE = "metrics.jsonl";
  static final String TMP = FILE + ".tmp";
  public static final String PLOT = "loss.png";
  public static final String VALIDATION_PLOT = "validation.png";
  /** The validation metrics drawn in {@value #VALIDATION_PLOT}, in legend order. */
  static final List<String> PLOTTED =
      List.of("J&F", "IoU_all", "IoU_gold", "IoU_gold_with_pred", "T_f1");
  /** The same for a depth preset's validation ({@code DepthMetrics.Table.asMap()} keys). */
  static final List<String> PLOTTED_DEPTH = List.of("scale_aware.delta1", "scale_invariant.delta1",
      "scale_aware.rmse", "scale_invariant.rmse");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Called between the temporary file being complete and the replace; tests inject failures. */
  interface Hook {
    void run() throws IOException;
  }

  private final Configuration conf;
  private final Path dir;
  private final List<RoundMetrics> lines;

  private RunLog(Configuration conf, Path dir, List<RoundMetrics> lines) {
    this.conf = conf;
    this.dir = dir;
    this.lines = lines;
  }

  /** An empty log for a new run in {@code dir}; the first {@link #write} replaces any old file. */
  static RunLog fresh(Configuration conf, Path dir) {
    return new RunLog(conf, dir, new ArrayList<>());
  }

  /**
   * The existing log in {@code dir} with the lines up to {@code upToStep} (a resumed run's step);
   * later lines belong to rounds after the checkpoint, which the resumed run repeats, and are dropped.
   */
  static RunLog open(Configuration conf, Path dir, int upToStep) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path file = new Path(dir, FILE);
    if (!fs.exists(file)) {
      Path tmp = new Path(dir, TMP);
      if (!fs.exists(tmp)) {
        return fresh(conf, dir);
      }
      LOG.info("{} is missing but {} is complete (a crash between delete and rename): using it", file, tmp);
      file = tmp;
    }
    List<RoundMetrics> kept = new ArrayList<>();
    int dropped = 0;
    try (FSDataInputStream in = fs.open(file);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        RoundMetrics m;
        try {
          m = parse(JSON.readTree(line));
        } catch (IOException | RuntimeException e) {
          throw new IOException(file + " line " + n + ": not a metrics line: " + e.getMessage(), e);
        }
        if (m.step() <= upToStep) {
          kept.add(m);
        } else {
          dropped++;
        }
      }
    }
    if (dropped > 0) {
      LOG.info("{}: dropped {} line(s) after step {} (rounds the resumed run repeats)", file, dropped, upToStep);
    }
    return new RunLog(conf, dir, kept);
  }

  void add(RoundMetrics m) {
    lines.add(m);
  }

  List<RoundMetrics> lines() {
    return Collections.unmodifiableList(lines);
  }

  /** Training seconds of the last line, or 0: where a resumed run's clock continues from. */
  double elapsedSeconds() {
    return lines.isEmpty() ? 0 : lines.get(lines.size() - 1).elapsedSeconds();
  }

  /** Replaces {@code metrics.jsonl} with the lines held. */
  void write() throws IOException {
    write(() -> {});
  }

  void write(Hook beforeReplace) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (RoundMetrics m : lines) {
      sb.append(JSON.writeValueAsString(toJson(m))).append('\n');
    }
    replace(conf, new Path(dir, FILE), sb.toString().getBytes(StandardCharsets.UTF_8), beforeReplace);
  }

  /**
   * Writes {@code loss.png}: the round loss against the step; and, when rounds were validated,
   * {@code validation.png}: the benchmark metrics against the step.
   */
  void writePlot() throws IOException {
    List<RoundMetrics> validated = lines.stream().filter(m -> !m.validation().isEmpty()).toList();
    if (!validated.isEmpty()) {
      double[] vx = validated.stream().mapToDouble(RoundMetrics::step).toArray();
      List<LinePlot.Series> series = new ArrayList<>();
      boolean depth = validated.get(0).validation().containsKey(PLOTTED_DEPTH.get(0));
      for (String metric : depth ? PLOTTED_DEPTH : PLOTTED) {
        double[] vy = validated.stream()
            .mapToDouble(m -> m.validation().getOrDefault(metric, Double.NaN)).toArray();
        series.add(LinePlot.Series.line(metric, vx, vy));
      }
      byte[] vpng = LinePlot.png(LinePlot.render(
          new LinePlot.Layout(depth ? "EgoTune depth validation (delta1 and RMSE, mean per image)"
              : "EgoTune validation on the benchmark (x100)", "step", "metric"),
          series));
      replace(conf, new Path(dir, VALIDATION_PLOT), vpng, () -> {});
    }
    double[] x = lines.stream().mapToDouble(RoundMetrics::step).toArray();
    double[] y = lines.stream().mapToDouble(RoundMetrics::loss).toArray();
    byte[] png = LinePlot.png(LinePlot.render(
        new LinePlot.Layout("EgoTune training loss (mean of the workers' first batch per round)",
            "step", "loss"), List.of(LinePlot.Series.line("loss", x, y))));
    replace(conf, new Path(dir, PLOT), png, () -> {});
  }

  /** Temporary file, closed and synced, then delete + rename (Hadoop's rename never overwrites). */
  static void replace(Configuration conf, Path target, byte[] bytes, Hook beforeReplace) throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    Path tmp = target.suffix(".tmp");
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      out.write(bytes);
      out.hsync();
    }
    beforeReplace.run();
    if (fs.exists(target) && !fs.delete(target, false)) {
      throw new IOException("cannot delete " + target + " to replace it");
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("rename " + tmp + " -> " + target + " failed");
    }
  }

  static ObjectNode toJson(RoundMetrics m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("round", m.round());
    o.put("step", m.step());
    o.put("totalSteps", m.totalSteps());
    o.put("loss", m.loss());
    o.put("samplesPerSec", m.samplesPerSec());
    o.put("samplesSeen", m.samplesSeen());
    o.put("elapsedSeconds", m.elapsedSeconds());
    ObjectNode c = o.putObject("realisedCounts");
    m.realisedCounts().forEach(c::put);
    if (m.times() != null) {
      RoundTimes t = m.times();
      ObjectNode time = o.putObject("time");
      time.put("broadcastSec", t.broadcast());
      time.put("computeSec", t.compute());
      time.put("reduceSec", t.reduce());
      time.put("schedulingSec", t.scheduling());
      time.put("updateSec", t.update());
      time.put("checkpointSec", t.checkpoint());
      time.put("totalSec", t.total());
      time.put("overheadShare", t.overheadShare());
    }
    if (!m.validation().isEmpty()) {
      ObjectNode v = o.putObject("validation");
      m.validation().forEach(v::put);
    }
    return o;
  }

  static RoundMetrics parse(JsonNode o) {
    Map<String, Long> counts = new LinkedHashMap<>();
    o.required("realisedCounts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
    Map<String, Double> validation = new LinkedHashMap<>();
    o.path("validation").fields().forEachRemaining(e -> validation.put(e.getKey(), e.getValue().asDouble()));
    return new RoundMetrics(o.required("round").asInt(), o.required("step").asInt(),
        o.required("totalSteps").asInt(), o.required("loss").asDouble(),
        o.required("samplesPerSec").asDouble(), o.required("samplesSeen").asLong(),
        o.required("elapsedSeconds").asDouble(), counts, o.has("time") ? parseTimes(o.get("time")) : null,
        validation);
  }

  private static RoundTimes parseTimes(JsonNode t) {
    return new RoundTimes(t.required("broadcastSec").asDouble(), t.required("computeSec").asDouble(),
        t.required("reduceSec").asDouble(), t.required("schedulingSec").asDouble(),
        t.required("updateSec").asDouble(), t.required("checkpointSec").asDouble(),
        t.required("totalSec").asDouble());
  }
}
