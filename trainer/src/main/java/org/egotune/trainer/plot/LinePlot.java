package org.egotune.trainer.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A line chart drawn with Java2D: named series of (x, y) points, optional ± error bars, a legend. */
public final class LinePlot {
  private static final Color[] PALETTE = {new Color(214, 39, 40), new Color(31, 119, 180),
      new Color(44, 160, 44), new Color(148, 103, 189), new Color(255, 127, 14)};
  private static final int LEFT = 70;
  private static final int RIGHT = 250;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private LinePlot() {}

  /** An axis range; {@code min < max}, both finite. */
  public record Range(double min, double max) {
    public Range {
      if (!Double.isFinite(min) || !Double.isFinite(max) || min >= max) {
        throw new IllegalArgumentException("plot range needs finite min < max, got [" + min + ", " + max + "]");
      }
    }
  }

  /**
   * The frame of a chart: image size in pixels, title, axis labels and the axis ranges ({@code null}
   * means fitted to the data: x from its minimum to its maximum, y from 0, or the minimum if that is
   * negative, to the maximum plus 5 %).
   */
  public record Layout(int width, int height, String title, String xLabel, String yLabel, Range x, Range y) {
    public Layout {
      if (width < LEFT + RIGHT + 50 || height < TOP + BOTTOM + 50) {
        throw new IllegalArgumentException("plot size " + width + "x" + height + " is too small (min "
            + (LEFT + RIGHT + 50) + "x" + (TOP + BOTTOM + 50) + ")");
      }
    }

    /** A 900 x 560 chart with ranges fitted to the data. */
    public Layout(String title, String xLabel, String yLabel) {
      this(900, 560, title, xLabel, yLabel, null, null);
    }
  }

  /**
   * One series: points {@code (x[i], y[i])} joined in order (NaN y values are skipped), an error
   * bar of ± {@code err[i]} where {@code err} is non-empty and the value positive, and a dot per
   * point when {@code markers}.
   */
  public record Series(String name, double[] x, double[] y, double[] err, boolean markers) {
    public Series {
      if (x.length != y.length || (err.length != 0 && err.length != x.length)) {
        throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length
            + " y values and " + err.length + " errors");
      }
    }

    /** A plain line through the points, no error bars or markers. */
    public static Series line(String name, double[] x, double[] y) {
      return new Series(name, x, y, new double[0], false);
    }
  }

  /** The colour of the i-th series. */
  public static Color colour(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** Draws the series into a new RGB image of the layout's size. */
  public static BufferedImage render(Layout layout, List<Series> series) {
    int w = layout.width();
    int h = layout.height();
    int pw = w - LEFT - RIGHT;
    int ph = h - TOP - BOTTOM;
    Range xr = layout.x() != null ? layout.x() : fitX(series);
    Range yr = layout.y() != null ? layout.y() : fitY(series);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= 5; i++) {
      int y = TOP + ph - (int) (ph * i / 5.0);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(LEFT, y, LEFT + pw, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(tick(yr.min() + (yr.max() - yr.min()) * i / 5), LEFT - 45, y + 4);
      int x = LEFT + (int) (pw * i / 5.0);
      g.drawString(tick(xr.min() + (xr.max() - xr.min()) * i / 5), x - 8, TOP + ph + 20);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, pw, ph);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(layout.title(), LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(layout.xLabel(), LEFT + pw / 2 - 90, h - 15);
    g.drawString(layout.yLabel(), 5, TOP - 10);
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      g.setColor(colour(si));
      g.setStroke(new BasicStroke(2.2f));
      int px = Integer.MIN_VALUE;
      int py = 0;
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isNaN(s.y()[i]) || Double.isNaN(s.x()[i])) {
          continue;
        }
        int x = LEFT + (int) Math.round(pw * (s.x()[i] - xr.min()) / (xr.max() - xr.min()));
        int y = TOP + ph - (int) Math.round(ph * (s.y()[i] - yr.min()) / (yr.max() - yr.min()));
        if (px != Integer.MIN_VALUE) {
          g.drawLine(px, py, x, y);
        }
        if (s.markers()) {
          g.fillOval(x - 4, y - 4, 8, 8);
        }
        if (s.err().length > 0 && s.err()[i] > 0) {
          int dy = (int) Math.round(ph * s.err()[i] / (yr.max() - yr.min()));
          g.drawLine(x, y - dy, x, y + dy);
        }
        px = x;
        py = y;
      }
      int ly = TOP + 20 + si * 22;
      g.drawLine(LEFT + pw + 15, ly - 4, LEFT + pw + 40, ly - 4);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), LEFT + pw + 48, ly);
    }
    g.dispose();
    return img;
  }

  /** The image as PNG bytes. */
  public static byte[] png(BufferedImage img) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", bos);
    } catch (IOException e) {
      throw new IllegalStateException("PNG encoding failed", e); // cannot happen for a memory stream
    }
    return bos.toByteArray();
  }

  private static String tick(double v) {
    double a = Math.abs(v);
    if (v == Math.rint(v) && a < 1e9) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    String fmt = a == 0 || a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 0.01 ? "%.2f" : "%.2g";
    return String.format(Locale.ROOT, fmt, v);
  }

  private static Range fitX(List<Series> series) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double x : s.x()) {
        if (Double.isFinite(x)) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
    return span(lo, hi);
  }

  private static Range fitY(List<Series> series) {
    double lo = 0;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.y().length; i++) {
        double e = s.err().length > 0 && s.err()[i] > 0 ? s.err()[i] : 0;
        if (Double.isFinite(s.y()[i])) {
          lo = Math.min(lo, s.y()[i] - e);
          hi = Math.max(hi, s.y()[i] + e);
        }
      }
    }
    return span(lo, hi == Double.NEGATIVE_INFINITY ? hi : hi + 0.05 * (hi - lo));
  }

  private static Range span(double lo, double hi) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      return new Range(0, 1);
    }
    return lo < hi ? new Range(lo, hi) : new Range(lo - 0.5, hi + 0.5);
  }
}
