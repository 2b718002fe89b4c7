package org.egotune.cluster.sweep;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.egotune.trainer.plot.LinePlot;

/**
 * The sweep's report: one row per ego share (mean ± std over seeds), as Markdown and CSV, the best
 * row marked by the benchmark's headline metric, and a PNG plot of the metrics against the share.
 */
public final class SweepReport {
  /** Benchmark columns, per split. */
  static final List<String> EGO_METRICS = List.of("IoU_gold_with_pred", "IoU_gold", "IoU_all", "J&F");
  /** Hold-out columns. */
  static final List<String> EXO_METRICS = List.of("IoU_all", "J&F");

  private SweepReport() {}

  /** One aggregated row: a share and, per column, the mean and standard deviation over seeds. */
  record Row(double share, int seeds, Map<String, double[]> columns) {}

  /** Writes {@code table.md}, {@code table.csv} and {@code plot.png} into {@code dir}; returns the rows. */
  public static List<Row> write(List<PointResult> points, String egoSource, Path dir) throws IOException {
    List<Row> rows = rows(points, egoSource);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("table.md"), markdown(rows));
    Files.writeString(dir.resolve("table.csv"), csv(rows));
    ImageIO.write(plot(rows), "png", dir.resolve("plot.png").toFile());
    return rows;
  }

  static List<String> splits(List<PointResult> points) {
    List<String> order = List.of("short", "medium", "long", "full");
    List<String> out = new ArrayList<>();
    for (String s : order) {
      if (points.stream().anyMatch(p -> p.ego().containsKey(s))) {
        out.add(s);
      }
    }
    return out;
  }

  static List<Row> rows(List<PointResult> points, String egoSource) {
    List<String> splits = splits(points);
    Map<Double, List<PointResult>> byShare = new TreeMap<>();
    for (PointResult p : points) {
      byShare.computeIfAbsent(p.share(), s -> new ArrayList<>()).add(p);
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Double, List<PointResult>> e : byShare.entrySet()) {
      List<PointResult> ps = e.getValue();
      Map<String, double[]> cols = new LinkedHashMap<>();
      cols.put("realised ego share", stats(ps.stream().mapToDouble(p -> p.realisedShare(egoSource)).toArray()));
      cols.put("samples", stats(ps.stream().mapToDouble(PointResult::samples).toArray()));
      for (String split : splits) {
        for (String m : EGO_METRICS) {
          cols.put(split + " " + m, stats(ps.stream().mapToDouble(p -> p.ego(split, m)).toArray()));
        }
      }
      if (ps.stream().anyMatch(p -> !p.exo().isEmpty())) {
        for (String m : EXO_METRICS) {
          cols.put("exo " + m, stats(ps.stream().mapToDouble(p -> p.exo(m)).toArray()));
        }
      }
      rows.add(new Row(e.getKey(), ps.size(), cols));
    }
    return rows;
  }

  /** The column that picks the best row: the benchmark's headline metric on its widest split. */
  static String headline(List<Row> rows) {
    for (String s : List.of("full", "short", "medium", "long")) {
      if (!rows.isEmpty() && rows.get(0).columns().containsKey(s + " IoU_gold_with_pred")) {
        return s + " IoU_gold_with_pred";
      }
    }
    throw new IllegalStateException("no benchmark metric in the sweep results");
  }

  static int best(List<Row> rows) {
    String h = headline(rows);
    int best = 0;
    for (int i = 1; i < rows.size(); i++) {
      if (rows.get(i).columns().get(h)[0] > rows.get(best).columns().get(h)[0]) {
        best = i;
      }
    }
    return best;
  }

  static String markdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    List<String> cols = new ArrayList<>(rows.get(0).columns().keySet());
    sb.append("| ego share | seeds |");
    cols.forEach(c -> sb.append(' ').append(c).append(" |"));
    sb.append("\n|---:|---:|");
    cols.forEach(c -> sb.append("---:|"));
    sb.append('\n');
    int best = best(rows);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT, "| %s%.2f | %d |", i == best ? "**best** " : "", r.share(), r.seeds()));
      for (String c : cols) {
        double[] v = r.columns().get(c);
        String fmt = c.equals("samples") ? "%.0f" : c.startsWith("realised") ? "%.4f" : "%.2f";
        sb.append(' ').append(String.format(Locale.ROOT, fmt, v[0]));
        if (r.seeds() > 1 && !c.equals("samples")) {
          sb.append(String.format(Locale.ROOT, " ± " + fmt, v[1]));
        }
        sb.append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String csv(List<Row> rows) {
    StringBuilder sb = new StringBuilder("ego_share,seeds,best");
    List<String> cols = new ArrayList<>(rows.get(0).columns().keySet());
    for (String c : cols) {
      String k = c.replace(' ', '_').replace("&", "and");
      sb.append(',').append(k).append("_mean,").append(k).append("_std");
    }
    sb.append('\n');
    int best = best(rows);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT, "%.4f,%d,%b", r.share(), r.seeds(), i == best));
      for (String c : cols) {
        double[] v = r.columns().get(c);
        sb.append(String.format(Locale.ROOT, ",%.6f,%.6f", v[0], v[1]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Mean and sample standard deviation (0 for one value); NaN values are skipped. */
  static double[] stats(double[] xs) {
    double sum = 0;
    int n = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        sum += x;
        n++;
      }
    }
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double mean = sum / n;
    double ss = 0;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        ss += (x - mean) * (x - mean);
      }
    }
    return new double[] {mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0};
  }

  /** Line plot of the headline metrics against the ego share, with ±std bars when seeds > 1. */
  static BufferedImage plot(List<Row> rows) {
    List<String> names = new ArrayList<>();
    String split = headline(rows).split(" ")[0];
    for (String m : List.of("IoU_gold_with_pred", "IoU_gold", "IoU_all", "J&F")) {
      names.add(split + " " + m);
    }
    if (rows.get(0).columns().containsKey("exo IoU_all")) {
      names.add("exo IoU_all");
    }
    double ymax = 10;
    List<LinePlot.Series> series = new ArrayList<>();
    for (String name : names) {
      double[] x = new double[rows.size()];
      double[] y = new double[rows.size()];
      double[] err = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        double[] v = rows.get(i).columns().getOrDefault(name, new double[] {Double.NaN, 0});
        x[i] = rows.get(i).share();
        y[i] = v[0];
        err[i] = v[1];
        if (!Double.isNaN(v[0])) {
          ymax = Math.max(ymax, v[0] + v[1]);
        }
      }
      series.add(new LinePlot.Series(name, x, y, err, true));
    }
    ymax = Math.min(100, Math.ceil(ymax / 10) * 10);
    return LinePlot.render(new LinePlot.Layout(900, 560,
        "EgoTune ratio sweep: metrics (x100) against the egocentric share",
        "ego share of training samples", "x100", new LinePlot.Range(0, 1), new LinePlot.Range(0, ymax)),
        series);
  }
}
