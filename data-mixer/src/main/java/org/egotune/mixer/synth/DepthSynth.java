package org.egotune.mixer.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;

/**
 * The {@code depth} layout's generator: egocentric tabletop clips ({@link DepthScene}) with a
 * camera that sways a little every frame, each frame's exact inverse depth normalised to [0, 1] per
 * frame (min-max over the pixels that hit a surface), and one expression per object with its
 * ray-cast mask, written as docs/data.md describes.
 */
final class DepthSynth {

  /** The index's {@code format} and {@code version}. */
  static final String FORMAT = "egotune-depth";
  static final int VERSION = 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final double[] LIGHT = unit(0.3, 1.0, -0.4);
  /** Fog length (m): far surfaces fade to haze, a depth cue in the image. */
  private static final double FOG = 4.0;
  private static final int HAZE = 0xC8C8D2;

  private DepthSynth() {}

  /** One planned clip: its scene and one camera pose per frame. */
  record Clip(String name, DepthScene scene, List<DepthScene.Pose> poses) {}

  /** One rendered frame: image, z-depth per pixel (+inf where nothing is hit) and hit ids. */
  record Frame(BufferedImage image, double[] depth, int[] ids) {}

  /** Writes one split's clips; returns {videos, objects, expressions, frames}. */
  static int[] write(SynthConfig cfg, Path out, String split) throws IOException {
    Path splitDir = out.resolve(split);
    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("normalisation", "per-frame min-max of inverse depth (1/z, z = depth along the optical"
        + " axis in metres) over the pixels that hit a surface; 0 = no label");
    ObjectNode videos = root.putObject("videos");
    int objects = 0;
    int frames = 0;
    for (int i = 0; i < cfg.videos(); i++) {
      Clip clip = plan(cfg, i);
      ObjectNode v = videos.putObject(clip.name());
      ArrayNode names = v.putArray("frames");
      ArrayNode ranges = v.putArray("inverse_depth_range");
      int k = clip.scene().solids.size();
      List<List<Mask>> masks = new ArrayList<>();
      for (int o = 0; o < k; o++) {
        masks.add(new ArrayList<>());
      }
      Path frameDir = splitDir.resolve("JPEGImages").resolve(clip.name());
      Path depthDir = splitDir.resolve("depth").resolve(clip.name());
      Files.createDirectories(frameDir);
      Files.createDirectories(depthDir);
      for (int t = 0; t < cfg.frames(); t++) {
        String name = String.format("%05d", t);
        names.add(name);
        Frame f = render(clip.scene(), clip.poses().get(t), cfg.height(), cfg.width());
        double[] range = new double[2];
        float[] label = normalise(f.depth(), range);
        ranges.addArray().add(range[0]).add(range[1]);
        Path jpg = frameDir.resolve(name + ".jpg");
        if (!ImageIO.write(f.image(), "jpg", jpg.toFile())) {
          throw new IOException("cannot write " + jpg + ": no JPEG writer available");
        }
        Files.write(depthDir.resolve(name + ".npy"), DepthLabels.toNpy(label, cfg.height(), cfg.width()));
        for (int o = 0; o < k; o++) {
          boolean[] m = new boolean[f.ids().length];
          for (int p = 0; p < m.length; p++) {
            m[p] = f.ids()[p] == DepthScene.FIRST_SOLID + o;
          }
          masks.get(o).add(new Mask(cfg.height(), cfg.width(), m));
        }
      }
      ObjectNode exps = v.putObject("expressions");
      for (int o = 0; o < k; o++) {
        DepthScene.Solid s = clip.scene().solids.get(o);
        ObjectNode e = exps.putObject(Integer.toString(o));
        e.put("exp", "the " + s.colour().name() + " " + s.word());
        e.put("obj_id", Integer.toString(o + 1));
        ArrayNode list = e.putArray("masks");
        for (Mask m : masks.get(o)) {
          if (m.isEmpty()) {
            list.addNull();
          } else {
            list.add(SyntheticDatasets.rleNode(Rle.encode(m), false));
          }
        }
      }
      objects += k;
      frames += cfg.frames();
    }
    SyntheticDatasets.writeJson(splitDir.resolve("index.json"), root, false);
    return new int[] {cfg.videos(), objects, objects, frames};
  }

  /**
   * Clip {@code i}: 2 to 4 boxes and cylinders of distinct colours 0.55 to 1.3 m ahead on the
   * table, a wall behind them, and a camera 0.38 to 0.52 m above the table looking 29 to 40 degrees
   * down, swaying sideways, forwards and in yaw with a period of 18 to 42 frames (at most about
   * 1.5 cm and 0.02 rad per frame, and bounded, so long clips stay on the table).
   */
  static Clip plan(SynthConfig cfg, int i) {
    SplittableRandom rnd = new SplittableRandom(ScenePlanner.mix(cfg.seed(), i));
    double wallZ = 1.7 + 0.6 * rnd.nextDouble();
    List<Colour> colours = new ArrayList<>(Colour.ALL.subList(0, Colour.ALL.size() - 1)); // no white
    int count = 2 + rnd.nextInt(3);
    List<DepthScene.Solid> solids = new ArrayList<>();
    List<double[]> footprints = new ArrayList<>(); // {x, z, bounding radius}
    for (int tries = 0; solids.size() < count && tries < 200; tries++) {
      double x = -0.28 + 0.56 * rnd.nextDouble();
      double z = 0.55 + 0.75 * rnd.nextDouble();
      boolean box = rnd.nextBoolean();
      double a = box ? 0.04 + 0.06 * rnd.nextDouble() : 0.03 + 0.05 * rnd.nextDouble();
      double b = box ? 0.04 + 0.06 * rnd.nextDouble() : a;
      double height = 0.05 + 0.17 * rnd.nextDouble();
      double radius = Math.hypot(a, b);
      boolean free = true;
      for (double[] f : footprints) {
        free &= Math.hypot(f[0] - x, f[1] - z) > f[2] + radius + 0.02;
      }
      if (!free) {
        continue;
      }
      Colour c = colours.remove(rnd.nextInt(colours.size()));
      solids.add(box ? new DepthScene.Box(x - a, x + a, z - b, z + b, height, c)
          : new DepthScene.Cylinder(x, z, a, height, c));
      footprints.add(new double[] {x, z, radius});
    }
    double h0 = 0.38 + 0.14 * rnd.nextDouble();
    double pitch0 = 0.5 + 0.2 * rnd.nextDouble();
    double yaw0 = -0.08 + 0.16 * rnd.nextDouble();
    double omega = 2 * Math.PI / (18 + 24 * rnd.nextDouble());
    double phase = 2 * Math.PI * rnd.nextDouble();
    double sway = 0.03 + 0.03 * rnd.nextDouble();
    List<DepthScene.Pose> poses = new ArrayList<>();
    for (int t = 0; t < cfg.frames(); t++) {
      double s = Math.sin(omega * t + phase);
      double c = Math.cos(omega * t + phase);
      poses.add(new DepthScene.Pose(sway * s, h0 + 0.01 * c, 0.5 * sway * (1 - c), yaw0 + 0.06 * s,
          pitch0 + 0.02 * c));
    }
    return new Clip(String.format("depth_%04d", i), new DepthScene(wallZ, solids), poses);
  }

  /** Ray-casts one frame with focal length = width (about 53 degrees across). */
  static Frame render(DepthScene scene, DepthScene.Pose pose, int height, int width) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    double[] depth = new double[height * width];
    int[] ids = new int[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        DepthScene.Hit h = scene.cast(pose, DepthScene.ray(pose, width, height, width, x + 0.5, y + 0.5));
        depth[y * width + x] = h.depth;
        ids[y * width + x] = h.id;
        img.setRGB(x, y, shade(scene, h));
      }
    }
    return new Frame(img, depth, ids);
  }

  /**
   * Normalised inverse depth: {@code (1/z − min) / (max − min)} over the pixels with a finite z, 0
   * where nothing is hit (and at the farthest pixel itself). {@code range} receives {min, max} of
   * 1/z in 1/m, so {@code 1/z = min + value (max − min)} recovers metric inverse depth.
   */
  static float[] normalise(double[] depth, double[] range) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (double z : depth) {
      if (Double.isFinite(z)) {
        lo = Math.min(lo, 1 / z);
        hi = Math.max(hi, 1 / z);
      }
    }
    float[] out = new float[depth.length];
    if (hi == 0) {
      range[0] = 0;
      range[1] = 0;
      return out; // nothing hit: no label anywhere
    }
    range[0] = lo;
    range[1] = hi;
    double span = hi - lo;
    for (int i = 0; i < depth.length; i++) {
      if (Double.isFinite(depth[i])) {
        out[i] = span > 0 ? (float) ((1 / depth[i] - lo) / span) : 1f;
      }
    }
    return out;
  }

  /** Lambert shading of the hit's albedo (a checkered table, a plain wall, the object's colour), fogged. */
  private static int shade(DepthScene scene, DepthScene.Hit h) {
    if (h.id == DepthScene.NONE) {
      return HAZE;
    }
    int albedo;
    if (h.id == DepthScene.TABLE) {
      boolean dark = (Math.floorMod((long) Math.floor(h.point[0] / 0.1), 2)
          + Math.floorMod((long) Math.floor(h.point[2] / 0.1), 2)) % 2 == 1;
      albedo = dark ? 0x7A5230 : 0xB08050;
    } else if (h.id == DepthScene.WALL) {
      albedo = 0xD8D8C8;
    } else {
      albedo = scene.solids.get(h.id - DepthScene.FIRST_SOLID).colour().rgb();
    }
    double lambert = 0.4 + 0.6 * Math.max(0, h.normal[0] * LIGHT[0] + h.normal[1] * LIGHT[1]
        + h.normal[2] * LIGHT[2]);
    double fog = 1 - Math.exp(-h.depth / FOG);
    int rgb = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
      double c = ((albedo >> shift) & 0xff) * lambert * (1 - fog) + ((HAZE >> shift) & 0xff) * fog;
      rgb |= (int) Math.round(Math.min(255, c)) << shift;
    }
    return rgb;
  }

  private static double[] unit(double x, double y, double z) {
    double n = Math.sqrt(x * x + y * y + z * z);
    return new double[] {x / n, y / n, z / n};
  }
}
