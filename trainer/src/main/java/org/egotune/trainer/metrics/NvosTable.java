package org.egotune.trainer.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accumulates {@link NvosScore}s and reports the NVOS dataset numbers with the DAVIS aggregation:
 * per object the mean over its frames, then the uniform mean over objects, x100 and rounded as
 * {@link MetricTable} rounds (half-even, 2 decimals, from the exact double).
 *
 * <ul>
 *   <li>The {@code overall} row averages every frame of each object. The rows by exhaustive flag
 *       ({@code y}, {@code n}, {@code inconclusive}, {@code absent}) average, per object, only its
 *       frames of that group, then over the objects that have at least one such frame; a group no
 *       object has is left out.
 *   <li>J&amp;F = (mean J + mean F) / 2 from the unrounded means. J_union is J (the ground truth of an
 *       object is the union of its instances), printed under both names as the paper's table does.
 *   <li>Objects with no frame (their narration has no annotated frame) are in no mean; the narration
 *       is counted in {@code skipped_narrations}.
 * </ul>
 */
public final class NvosTable {
  private static final Logger LOG = LoggerFactory.getLogger(NvosTable.class);

  private final List<NvosScore> narrations = new ArrayList<>();

  /** Adds one narration's score. */
  public void add(NvosScore score) {
    if (score == null) {
      throw new IllegalArgumentException("score must not be null");
    }
    narrations.add(score);
  }

  /**
   * The dataset numbers.
   *
   * @throws IllegalStateException when no object has an annotated frame (nothing to average)
   */
  public Summary summary() {
    Map<NvosScore.Group, Mean> byGroup = new EnumMap<>(NvosScore.Group.class);
    Mean overall = new Mean();
    List<ObjectRow> perObject = new ArrayList<>();
    int skipped = 0;
    int objects = 0;
    int neverPresent = 0;
    int multiInstance = 0;
    int ignored = 0;
    for (NvosScore n : narrations) {
      ignored += n.ignoredPredictionFrames();
      if (n.frames() == 0) {
        skipped++;
        continue;
      }
      for (NvosScore.ObjectScore o : n.objects()) {
        objects++;
        neverPresent += o.neverPresent() ? 1 : 0;
        multiInstance += o.instances() > 1 ? 1 : 0;
        double[] all = overall.addObject(o, null);
        perObject.add(new ObjectRow(n.narration(), o.object(), o.frames().size(), o.neverPresent(),
            MetricTable.percent(all[0]), MetricTable.percent(all[1]), MetricTable.percent(all[2])));
        for (NvosScore.Group g : NvosScore.Group.values()) {
          byGroup.computeIfAbsent(g, x -> new Mean()).addObject(o, g);
        }
      }
    }
    if (skipped > 0) {
      LOG.warn("{} of {} narrations have no annotated frame and were skipped", skipped, narrations.size());
    }
    if (overall.objects == 0) {
      throw new IllegalStateException("no referred object has an annotated frame (" + narrations.size()
          + " narrations, " + skipped + " skipped): nothing to score");
    }
    Map<String, Row> groups = new LinkedHashMap<>();
    byGroup.forEach((g, m) -> {
      if (m.objects > 0) {
        groups.put(g.key(), m.row());
      }
    });
    return new Summary(overall.row(), groups, narrations.size(), skipped, objects, neverPresent, multiInstance,
        ignored, perObject);
  }

  /** Sums of per-object means, in the order objects were added. */
  private static final class Mean {
    private int objects;
    private long frames;
    private double sumJ;
    private double sumF;
    private double sumJIns;

    /** Adds {@code o}'s mean over its frames of {@code group} (all frames when null); returns J, F, J_ins. */
    double[] addObject(NvosScore.ObjectScore o, NvosScore.Group group) {
      double j = 0.0;
      double f = 0.0;
      double jIns = 0.0;
      int n = 0;
      for (NvosScore.FrameScore s : o.frames()) {
        if (group == null || s.group() == group) {
          j += s.j();
          f += s.f();
          jIns += s.jIns();
          n++;
        }
      }
      if (n == 0) {
        return null;
      }
      double[] means = {j / n, f / n, jIns / n};
      objects++;
      frames += n;
      sumJ += means[0];
      sumF += means[1];
      sumJIns += means[2];
      return means;
    }

    Row row() {
      double j = sumJ / objects;
      double f = sumF / objects;
      return new Row(objects, frames, MetricTable.percent((j + f) / 2.0), MetricTable.percent(j),
          MetricTable.percent(f), MetricTable.percent(j), MetricTable.percent(sumJIns / objects));
    }
  }

  /**
   * One row of the table, values x100 and rounded to 2 decimals.
   *
   * @param objects objects averaged
   * @param frames (object, frame) pairs scored
   * @param JandF (mean J + mean F) / 2
   * @param J mean J
   * @param F mean boundary F
   * @param Junion mean J_union (the same number as J)
   * @param Jins mean J_ins
   */
  public record Row(int objects, long frames, double JandF, double J, double F, double Junion, double Jins) {
    public Row {
      if (objects <= 0) {
        throw new IllegalArgumentException("objects must be positive, found " + objects);
      }
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("objects", objects);
      json.put("frames", frames);
      json.put("J&F", JandF);
      json.put("J", J);
      json.put("F", F);
      json.put("J_union", Junion);
      json.put("J_ins", Jins);
      return json;
    }
  }

  /**
   * One object's means over all its frames, x100 and rounded.
   *
   * @param narration narration id
   * @param object object id
   * @param frames frames scored
   * @param neverPresent ground truth empty on every frame
   * @param J mean J
   * @param F mean F
   * @param Jins mean J_ins
   */
  public record ObjectRow(String narration, String object, int frames, boolean neverPresent, double J, double F,
      double Jins) {}

  /**
   * The NVOS report.
   *
   * @param overall every frame of every scored object
   * @param byExhaustive row name ({@code y}, {@code n}, {@code inconclusive}, {@code absent}) to its
   *     row, only groups some object has, in that order
   * @param narrations narrations added
   * @param skippedNarrations narrations without an annotated frame
   * @param objects objects scored
   * @param objectsNeverPresent scored objects whose ground truth is empty on every frame
   * @param multiInstanceObjects scored objects with more than one instance on some frame
   * @param ignoredPredictionFrames predicted masks on unannotated frames, not scored
   * @param perObject one row per scored object, in the order added
   */
  public record Summary(Row overall, Map<String, Row> byExhaustive, int narrations, int skippedNarrations,
      int objects, int objectsNeverPresent, int multiInstanceObjects, int ignoredPredictionFrames,
      List<ObjectRow> perObject) {

    public Summary {
      if (overall == null || byExhaustive == null || perObject == null) {
        throw new IllegalArgumentException("overall, byExhaustive and perObject must not be null");
      }
      byExhaustive = Collections.unmodifiableMap(new LinkedHashMap<>(byExhaustive));
      perObject = List.copyOf(perObject);
    }

    /**
     * The JSON report: {@code overall}, {@code by_exhaustive.<group>} (each {@code objects, frames,
     * J&F, J, F, J_union, J_ins}), the counts, and {@code per_object}.
     */
    public Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("overall", overall.toJson());
      Map<String, Object> groups = new LinkedHashMap<>();
      byExhaustive.forEach((k, v) -> groups.put(k, v.toJson()));
      json.put("by_exhaustive", groups);
      json.put("narrations", narrations);
      json.put("skipped_narrations", skippedNarrations);
      json.put("objects", objects);
      json.put("objects_never_present", objectsNeverPresent);
      json.put("multi_instance_objects", multiInstanceObjects);
      json.put("ignored_prediction_frames", ignoredPredictionFrames);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ObjectRow r : perObject) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("narration", r.narration());
        row.put("object", r.object());
        row.put("frames", r.frames());
        row.put("never_present", r.neverPresent());
        row.put("J", r.J());
        row.put("F", r.F());
        row.put("J_ins", r.Jins());
        rows.add(row);
      }
      json.put("per_object", rows);
      return json;
    }

    /**
     * A Markdown table: the {@code overall} row, then {@code exhaustive=y}, {@code exhaustive=n},
     * {@code exhaustive=inconclusive} and {@code absent}, those present.
     */
    public String toMarkdown() {
      StringBuilder out = new StringBuilder("| rows | objects | frames | J&F | J | F | J_union | J_ins |\n");
      out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      appendRow(out, "overall", overall);
      byExhaustive.forEach((k, v) -> appendRow(out, k.equals(NvosScore.Group.ABSENT.key()) ? k : "exhaustive=" + k, v));
      return out.toString();
    }

    private static void appendRow(StringBuilder out, String name, Row r) {
      out.append("| ").append(name).append(" | ").append(r.objects()).append(" | ").append(r.frames());
      for (double v : new double[] {r.JandF(), r.J(), r.F(), r.Junion(), r.Jins()}) {
        out.append(" | ").append(MetricTable.twoDecimals(v));
      }
      out.append(" |\n");
    }

    /** Writes {@link #toJson()} (indented) to {@code file}, atomically: a temporary file moved into place. */
    public void writeJson(Path file) {
      try {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.write(tmp, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(toJson()));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write NVOS metrics " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
