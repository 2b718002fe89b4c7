package org.egotune.mixer.synth;

import org.egotune.mixer.seed.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the scene model of every video of a {@link SynthConfig}. Each video draws from its own
 * {@link SplittableRandom} seeded by mixing the config seed with the video index, so one video's
 * content does not depend on how many videos precede it and the output is identical per seed.
 */
final class ScenePlanner {

  /** Ego targets cover this fraction of the frame (EgoMask: about 1.2-1.9 %). */
  static final double EGO_AREA_MIN = 0.012;
  static final double EGO_AREA_MAX = 0.018;
  /** Exo targets are large (the exocentric sets' objects fill a good part of the frame). */
  static final double EXO_AREA_MIN = 0.12;
  static final double EXO_AREA_MAX = 0.18;
  /** Ego visibility span as a fraction of the frames. */
  static final double SPAN_MIN = 0.25;
  static final double SPAN_MAX = 0.60;
  /** Largest camera shift per frame and axis, in pixels. */
  static final int MAX_CAMERA_STEP = 3;

  private ScenePlanner() {}

  /** The videos of {@code cfg}, names and splits assigned, in the order they are written. */
  static List<SynthVideo> plan(SynthConfig cfg) {
    List<SynthVideo> out = new ArrayList<>(cfg.videos());
    int[] splitSizes = benchSplitSizes(cfg.videos());
    for (int i = 0; i < cfg.videos(); i++) {
      SplittableRandom rnd = new SplittableRandom(mix(cfg.seed(), i));
      String name;
      String dir;
      String split = null;
      List<String> frames;
      switch (cfg.layout()) {
        case EGOMASK_TRAIN -> {
          name = String.format("ego_%04d", i);
          dir = name;
          frames = steppedFrames(cfg.frames());
        }
        case REF_YOUTUBE_VOS -> {
          name = String.format("ytvos_%04d", i);
          dir = name;
          frames = steppedFrames(cfg.frames());
        }
        case MEVIS -> {
          name = String.format("mevis_%04d", i);
          dir = name;
          frames = consecutiveFrames(cfg.frames());
        }
        case VISOR -> throw new IllegalStateException("visor scenes are planned by VisorSynth");
        case REF_DAVIS -> {
          name = String.format("davis_%04d", i);
          dir = name;
          frames = consecutiveFrames(cfg.frames());
        }
        case EGOMASK_BENCH -> {
          if (i < splitSizes[0]) {
            split = "short";
            // every other RefEgo name holds "--", which readers must never split
            name = i % 2 == 0 ? String.format("refego_%04d", i) : String.format("refego_%04d--1", i);
            dir = name;
            frames = new ArrayList<>();
            for (int t = 0; t < cfg.frames(); t++) {
              frames.add(String.format("img%010d", t + 1));
            }
          } else if (i < splitSizes[0] + splitSizes[1]) {
            split = "medium";
            dir = String.format("clip%04d", i);
            name = dir + "--0";
            frames = steppedFrames(cfg.frames());
          } else {
            split = "long";
            dir = String.format("clip%04d", i);
            name = dir;
            frames = steppedFrames(cfg.frames());
          }
        }
        default -> throw new IllegalStateException("unhandled layout " + cfg.layout());
      }
      out.add(
          cfg.layout().egocentric()
              ? egoVideo(rnd, cfg, name, dir, split, frames)
              : exoVideo(rnd, cfg, name, dir, frames));
    }
    return out;
  }

  /** Videos per bench split [short, medium, long]: at least one each, short the largest. */
  static int[] benchSplitSizes(int videos) {
    int nLong = Math.max(1, videos / 6);
    int nMedium = Math.max(1, (videos - nLong) / 3);
    return new int[] {videos - nLong - nMedium, nMedium, nLong};
  }

  /** Stream {@code index} of the plan's seed ({@link Seeds#nth}): nearby seeds and indices give unrelated streams. */
  static long mix(long seed, int index) {
    return Seeds.nth(seed, index);
  }

  private static List<String> steppedFrames(int n) {
    List<String> f = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      f.add(String.format("%05d", 5 * t));
    }
    return f;
  }

  /** MeViS and DAVIS number every frame: 00000, 00001, ... */
  private static List<String> consecutiveFrames(int n) {
    List<String> f = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      f.add(String.format("%05d", t));
    }
    return f;
  }

  private static SynthVideo egoVideo(
      SplittableRandom rnd, SynthConfig cfg, String name, String dir, String split,
      List<String> frames) {
    int h = cfg.height();
    int w = cfg.width();
    int n = cfg.frames();
    int margin = Math.max(MAX_CAMERA_STEP, Math.min(h, w) / 10);
    int[] world = background(rnd, h + 2 * margin, w + 2 * margin);

    // camera: a bounded random walk of a few pixels per frame, reflected at the margin
    int[] camX = new int[n];
    int[] camY = new int[n];
    camX[0] = rnd.nextInt(-margin / 2, margin / 2 + 1);
    camY[0] = rnd.nextInt(-margin / 2, margin / 2 + 1);
    for (int t = 1; t < n; t++) {
      int dx;
      int dy;
      do {
        dx = rnd.nextInt(-MAX_CAMERA_STEP, MAX_CAMERA_STEP + 1);
        dy = rnd.nextInt(-MAX_CAMERA_STEP, MAX_CAMERA_STEP + 1);
      } while (dx == 0 && dy == 0);
      camX[t] = reflect(camX[t - 1], dx, margin);
      camY[t] = reflect(camY[t - 1], dy, margin);
    }

    List<Colour> colours = pickColours(rnd);
    int count = colours.size();
    List<int[]> boxes = new ArrayList<>(); // world x, y, width, height of placed objects
    List<SceneObject> objects = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Shape shape = Shape.TARGETS.get(rnd.nextInt(Shape.TARGETS.size()));
      double target = h * w * (EGO_AREA_MIN + rnd.nextDouble() * (EGO_AREA_MAX - EGO_AREA_MIN));
      int side = shape.sideForArea(target, Math.min(h, w) / 3);
      // static in the world and inside [margin, size - margin - side]: in frame whatever the camera
      int[] box = place(rnd, boxes, side, side, margin, w - margin - side, margin, h - margin - side);
      if (box == null) {
        if (objects.size() >= 2) {
          break; // two targets are enough; a third just did not fit
        }
        throw new IllegalStateException(
            "cannot place object " + k + " of video " + name + " in a " + h + "x" + w + " frame");
      }
      boxes.add(box);

      int span = Math.max(1, Math.min(n - 1, (int) Math.round(n * (SPAN_MIN
          + rnd.nextDouble() * (SPAN_MAX - SPAN_MIN)))));
      // the first object of every clip is absent at the start, the others half of the time: the
      // benchmark's failure case is a target missing from the first frames a model looks at
      boolean lateStart = k == 0 || rnd.nextBoolean();
      int start = lateStart ? 1 + rnd.nextInt(n - span) : 0;
      boolean[] visible = new boolean[n];
      boolean[] omitted = new boolean[n];
      int[] xs = new int[n];
      int[] ys = new int[n];
      for (int t = 0; t < n; t++) {
        visible[t] = t >= start && t < start + span;
        omitted[t] = !visible[t] && rnd.nextBoolean();
        xs[t] = box[0] - camX[t];
        ys[t] = box[1] - camY[t];
      }
      String objId = Integer.toString(k);
      String text = expression(rnd, colours.get(k), shape, xs[start] + side / 2.0,
          ys[start] + side / 2.0, h, w);
      objects.add(new SceneObject(objId, colours.get(k), shape, side, xs, ys, visible, omitted, text));
    }
    List<SceneObject> distractors = new ArrayList<>();
    for (SceneObject target : objects) {
      SceneObject d = distractor(rnd, target, boxes, h, w, margin, camX, camY);
      if (d != null) {
        distractors.add(d);
      }
    }
    return new SynthVideo(name, dir, split, frames, h, w, margin, camX, camY, world, objects,
        distractors);
  }

  /**
   * An unreferred object of the target's colour, as small as a target but a thin bar (no
   * expression ever names a bar), fixed in the world and in view in every frame; null when the
   * frame has no room left. Egocentric scenes are cluttered with things of the target's colour
   * (the red handle next to the red cup), and they stay in view while the target is out of it:
   * the colour alone no longer finds the target, and a frame holding the target's colour may
   * still not hold it. The bar's outline tells it from a target even at a low resolution. Not
   * annotated, as the release annotates referred objects only.
   */
  private static SceneObject distractor(
      SplittableRandom rnd, SceneObject target, List<int[]> boxes, int h, int w, int margin,
      int[] camX, int[] camY) {
    Shape shape = Shape.BAR;
    double area = h * w * (EGO_AREA_MIN + rnd.nextDouble() * (EGO_AREA_MAX - EGO_AREA_MIN));
    int side = shape.sideForArea(area, Math.min(h, w) / 3);
    // the footprint box is square but only its band of rows is drawn: place the band
    boolean[] f = shape.footprint(side);
    int top = 0;
    while (!f[top * side]) {
      top++;
    }
    int rows = Shape.area(f) / side;
    int[] band = place(rnd, boxes, side, rows, margin, w - margin - side, margin + top,
        h - margin - side + top);
    if (band == null) {
      return null;
    }
    boxes.add(band);
    int n = camX.length;
    int[] xs = new int[n];
    int[] ys = new int[n];
    boolean[] visible = new boolean[n];
    for (int t = 0; t < n; t++) {
      xs[t] = band[0] - camX[t];
      ys[t] = band[1] - top - camY[t];
      visible[t] = true;
    }
    return new SceneObject("distractor-" + target.objId, target.colour, shape, side, xs, ys,
        visible, new boolean[n], null);
  }

  private static SynthVideo exoVideo(
      SplittableRandom rnd, SynthConfig cfg, String name, String dir, List<String> frames) {
    int h = cfg.height();
    int w = cfg.width();
    int n = cfg.frames();
    int[] world = background(rnd, h, w);
    List<Colour> colours = pickColours(rnd);
    // disjoint cells (x, y, width, height) give non-overlap for free while objects drift
    List<int[]> cells = cells(colours.size(), h, w);
    for (int i = cells.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int[] c = cells.get(i);
      cells.set(i, cells.get(j));
      cells.set(j, c);
    }
    List<SceneObject> objects = new ArrayList<>();
    for (int k = 0; k < colours.size(); k++) {
      int[] cell = cells.get(k);
      Shape shape = Shape.TARGETS.get(rnd.nextInt(Shape.TARGETS.size()));
      double target = h * w * (EXO_AREA_MIN + rnd.nextDouble() * (EXO_AREA_MAX - EXO_AREA_MIN));
      int maxSide = Math.min(cell[2], cell[3]) - 3; // keep at least 3 px of slow drift
      int side = shape.sideForArea(target, maxSide);
      int roomX = cell[2] - side;
      int roomY = cell[3] - side;
      int x0 = rnd.nextInt(roomX + 1);
      int y0 = rnd.nextInt(roomY + 1);
      int x1 = rnd.nextInt(roomX + 1);
      int y1 = rnd.nextInt(roomY + 1);
      int[] xs = new int[n];
      int[] ys = new int[n];
      boolean[] visible = new boolean[n];
      for (int t = 0; t < n; t++) {
        double a = (double) t / (n - 1);
        xs[t] = cell[0] + (int) Math.round(x0 + (x1 - x0) * a);
        ys[t] = cell[1] + (int) Math.round(y0 + (y1 - y0) * a);
        visible[t] = true;
      }
      String objId = Integer.toString(k + 1); // palette index: 0 is background
      String text = expression(rnd, colours.get(k), shape, xs[0] + side / 2.0,
          ys[0] + side / 2.0, h, w);
      objects.add(new SceneObject(objId, colours.get(k), shape, side, xs, ys, visible,
          new boolean[n], text));
    }
    return new SynthVideo(name, dir, null, frames, h, w, 0, new int[n], new int[n], world, objects,
        List.of());
  }

  /** 2 cells: halves along the longer axis; 3: one half plus the other half cut in two. */
  private static List<int[]> cells(int count, int h, int w) {
    List<int[]> out = new ArrayList<>();
    boolean wide = w >= h;
    int hw = w / 2;
    int hh = h / 2;
    if (wide) {
      out.add(new int[] {0, 0, hw, h});
      if (count == 2) {
        out.add(new int[] {hw, 0, w - hw, h});
      } else {
        out.add(new int[] {hw, 0, w - hw, hh});
        out.add(new int[] {hw, hh, w - hw, h - hh});
      }
    } else {
      out.add(new int[] {0, 0, w, hh});
      if (count == 2) {
        out.add(new int[] {0, hh, w, h - hh});
      } else {
        out.add(new int[] {0, hh, hw, h - hh});
        out.add(new int[] {hw, hh, w - hw, h - hh});
      }
    }
    return out;
  }

  /** 2 or 3 distinct colours, so that the colour word alone names the target. */
  private static List<Colour> pickColours(SplittableRandom rnd) {
    List<Colour> pool = new ArrayList<>(Colour.ALL);
    int count = 2 + rnd.nextInt(2);
    List<Colour> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      out.add(pool.remove(rnd.nextInt(pool.size())));
    }
    return out;
  }

  /**
   * A {@code bw x bh} box (x, y, bw, bh) with its top-left corner in the given ranges, at least 2 px
   * away from every placed box, or null after a bounded number of tries.
   */
  private static int[] place(SplittableRandom rnd, List<int[]> placed, int bw, int bh, int minX,
      int maxX, int minY, int maxY) {
    if (maxX < minX || maxY < minY) {
      return null;
    }
    for (int attempt = 0; attempt < 500; attempt++) {
      int x = rnd.nextInt(minX, maxX + 1);
      int y = rnd.nextInt(minY, maxY + 1);
      boolean free = true;
      for (int[] b : placed) {
        int gap = 2;
        if (x < b[0] + b[2] + gap && b[0] < x + bw + gap && y < b[1] + b[3] + gap
            && b[1] < y + bh + gap) {
          free = false;
          break;
        }
      }
      if (free) {
        return new int[] {x, y, bw, bh};
      }
    }
    return null;
  }

  private static int reflect(int pos, int step, int bound) {
    int next = pos + step;
    return next > bound || next < -bound ? pos - step : next;
  }

  /**
   * A muted textured background: a linear grey gradient, a coarse low-frequency texture, fine
   * noise and a faint per-video tint, all low in saturation so the objects' colours stand out.
   */
  private static int[] background(SplittableRandom rnd, int h, int w) {
    double gx = rnd.nextDouble(-1, 1);
    double gy = rnd.nextDouble(-1, 1);
    int base = 80 + rnd.nextInt(40);
    int tr = rnd.nextInt(-8, 9);
    int tg = rnd.nextInt(-8, 9);
    int tb = rnd.nextInt(-8, 9);
    int cell = 8;
    int cw = w / cell + 2;
    int ch = h / cell + 2;
    double[] coarse = new double[cw * ch];
    for (int i = 0; i < coarse.length; i++) {
      coarse[i] = rnd.nextDouble(-18, 18);
    }
    int[] out = new int[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double fx = (double) x / cell;
        double fy = (double) y / cell;
        int ix = (int) fx;
        int iy = (int) fy;
        double ax = fx - ix;
        double ay = fy - iy;
        double tex =
            coarse[iy * cw + ix] * (1 - ax) * (1 - ay)
                + coarse[iy * cw + ix + 1] * ax * (1 - ay)
                + coarse[(iy + 1) * cw + ix] * (1 - ax) * ay
                + coarse[(iy + 1) * cw + ix + 1] * ax * ay;
        double grad = 30 * (gx * x / w + gy * y / h);
        int grey = (int) Math.round(base + grad + tex + rnd.nextInt(-10, 11));
        int noise = rnd.nextInt(-3, 4);
        out[y * w + x] =
            (clamp(grey + tr + noise) << 16) | (clamp(grey + tg - noise) << 8) | clamp(grey + tb);
      }
    }
    return out;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** "the <colour> <shape>", half of the time followed by where its centre is when first seen. */
  private static String expression(
      SplittableRandom rnd, Colour colour, Shape shape, double cx, double cy, int h, int w) {
    String text = "the " + colour.name() + " " + shape.word();
    if (rnd.nextBoolean()) {
      double dx = (cx - w / 2.0) / w;
      double dy = (cy - h / 2.0) / h;
      String where =
          Math.abs(dx) >= Math.abs(dy) ? (dx < 0 ? "left" : "right") : (dy < 0 ? "top" : "bottom");
      text += " on the " + where;
    }
    return text;
  }
}
