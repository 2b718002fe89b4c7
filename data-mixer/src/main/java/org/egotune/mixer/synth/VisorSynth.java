package org.egotune.mixer.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.egotune.mixer.visor.VisorRaster;

/**
 * Writes synthetic EPIC-KITCHENS VISOR data: kitchen-counter clips whose objects are polygons of
 * closed-form area (axis-aligned rectangles, right isosceles triangles, L shapes where a hand
 * covers a corner), a hand that occludes an object in every odd frame, an object that leaves the
 * view in the middle third of the clip and comes back, {@code exhaustive} {@code n} and
 * {@code inconclusive} on some annotations, and per video one edge-case object: partly out of
 * frame, self-intersecting (a bow tie), with an empty polygon, or made of a 1-point and a 2-point
 * polygon. Even videos keep their frames in a per-video zip, odd ones in a folder. A split named
 * {@code <base>-dense} is written as dense interpolations. The expected area of every object is
 * {@link #expectedArea}, computed without the rasteriser.
 */
final class VisorSynth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The entity names, in the order painted (the hand last, over the others). */
  static final List<String> EDGE_NAMES = List.of("cupboard", "lid", "sponge", "fork");
  /** The area of the bow tie (3,3) (27,19) (27,3) (3,19): OpenCV 4.6 fills 233 pixels (raster fixture "self-intersecting-bowtie"). */
  static final int BOWTIE_AREA = 233;
  private static final double[] BOWTIE = {3, 3, 27, 19, 27, 3, 3, 19};

  private VisorSynth() {}

  /** One object in one frame: name, class, polygons, flags. */
  record Annotation(String name, int classId, List<double[]> segments, String exhaustive, long area,
      int rgb) {}

  /** The video names: {@code P0<k>_1<nn>} (EPIC-100 style), participants 1..3 in turn. */
  static String videoName(int i) {
    return String.format("P%02d_%03d", i % 3 + 1, 101 + i);
  }

  static int frameNumber(int t, boolean dense) {
    return dense ? 1000 + t : 1000 + 37 * t;
  }

  /**
   * Writes {@code cfg}'s videos for {@code split} under {@code out}.
   *
   * @return [videos, objects (distinct names per clip, summed), expressions, frames]
   */
  static int[] write(SynthConfig cfg, Path out, String split) throws IOException {
    boolean dense = split.endsWith("-dense");
    String base = dense ? split.substring(0, split.length() - "-dense".length()) : split;
    Path annDir = dense ? out.resolve("Interpolations-DenseAnnotations").resolve(base)
        : out.resolve("GroundTruth-SparseAnnotations").resolve("annotations").resolve(base);
    Path framesRoot = dense ? out.resolve("Interpolations-DenseAnnotations").resolve("rgb_frames").resolve(base)
        : out.resolve("GroundTruth-SparseAnnotations").resolve("rgb_frames").resolve(base);
    Files.createDirectories(annDir);
    int objects = 0;
    int frames = 0;
    for (int i = 0; i < cfg.videos(); i++) {
      String video = videoName(i);
      int n = cfg.frames();
      int clips = n >= 8 ? 2 : 1;
      ArrayNode entries = NODES.arrayNode();
      List<byte[]> jpegs = new ArrayList<>();
      List<String> names = new ArrayList<>();
      SplittableRandom rnd = new SplittableRandom(cfg.seed() * 1_000_003L + i);
      for (int t = 0; t < n; t++) {
        int clip = clips == 2 && t >= n / 2 ? 1 : 0;
        int tc = clip == 0 ? t : t - n / 2;
        int nc = clips == 2 ? (clip == 0 ? n / 2 : n - n / 2) : n;
        String frame = String.format("%s_frame_%010d", video, frameNumber(t, dense));
        List<Annotation> anns = annotations(cfg.height(), cfg.width(), cfg.seed(), i, tc, nc);
        ObjectNode e = entries.addObject();
        ObjectNode image = e.putObject("image");
        String seq = String.format("%s_seq_%05d", video, clip + 1);
        image.put("image_path", String.format("%s/Part_%03d/%s/frame_%010d/frame_%010d.jpg", video, clip + 1,
            seq, frameNumber(t, dense), frameNumber(t, dense)));
        image.put("name", frame + ".jpg");
        if (dense) {
          image.put("interpolation", String.format("%s_%04d", video, clip + 1));
        } else {
          image.put("subsequence", seq);
        }
        image.put("video", video);
        ArrayNode list = e.putArray("annotations");
        String occludedId = null;
        for (Annotation a : anns) {
          ObjectNode o = list.addObject();
          String id = hexId(video, frame, a.name());
          if (a.name().equals("plate")) {
            occludedId = id;
          }
          o.put("id", id);
          o.put("name", a.name());
          o.put("class_id", a.classId());
          o.put("exhaustive", a.exhaustive());
          ArrayNode segs = o.putArray("segments");
          for (double[] poly : a.segments()) {
            ArrayNode p = segs.addArray();
            for (int k = 0; k < poly.length; k += 2) {
              p.addArray().add(poly[k]).add(poly[k + 1]);
            }
          }
          if (a.name().equals("right hand")) {
            o.put("in_contact_object", tc % 2 == 1 ? occludedId : "hand-not-in-contact");
          }
        }
        jpegs.add(jpeg(render(cfg.height(), cfg.width(), anns, rnd)));
        names.add(frame + ".jpg");
      }
      // the annotation order of the release is not the frame order: the tools sort by image_path
      ArrayNode shuffled = NODES.arrayNode();
      for (int k = entries.size() - 1; k >= 0; k--) {
        shuffled.add(entries.get(k));
      }
      ObjectNode root = NODES.objectNode();
      root.set("video_annotations", shuffled);
      JSON.writer().writeValue(annDir.resolve(video + (dense ? "_interpolations.json" : ".json")).toFile(), root);
      Path pdir = framesRoot.resolve(video.substring(0, 3));
      Files.createDirectories(pdir);
      if (i % 2 == 0) {
        // one video keeps its frames in a folder inside the zip, as unzipping to <video>/ does
        writeZip(pdir.resolve(video + ".zip"), i % 4 == 2 ? video + "/" : "", names, jpegs);
      } else {
        Path dir = pdir.resolve(video);
        Files.createDirectories(dir);
        for (int k = 0; k < names.size(); k++) {
          Files.write(dir.resolve(names.get(k)), jpegs.get(k));
        }
      }
      objects += 5 * clips;
      frames += n;
    }
    return new int[] {cfg.videos(), objects, objects, frames};
  }

  /**
   * The annotations of frame {@code t} of a clip of {@code n} frames of video {@code i} (seed
   * {@code seed}), in
   * painting order: plate, knife (absent in the middle third), cup, the video's edge-case object,
   * right hand (over the plate's corner in odd frames).
   */
  static List<Annotation> annotations(int h, int w, long seed, int i, int t, int n) {
    List<Annotation> out = new ArrayList<>();
    // the seed moves and sizes the scene by a few pixels, so every split and seed has its own masks
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
    int jitter = r.nextInt(4);
    int grow = r.nextInt(6);
    int shift = r.nextInt(4);
    int x0 = w / 8 + t % 3 + jitter;
    int y0 = h / 8;
    int x1 = x0 + w / 3 + grow;
    int y1 = y0 + h / 3;
    boolean occluded = t % 2 == 1;
    int hx = x1 - w / 8;
    int hy = y1 - h / 8;
    long full = (long) (x1 - x0 + 1) * (y1 - y0 + 1);
    if (occluded) {
      out.add(new Annotation("plate", 2, List.of(new double[] {x0, y0, x1, y0, x1, hy, hx, hy, hx, y1, x0, y1}),
          "y", full - (long) (x1 - hx) * (y1 - hy), 0xE8E8F0));
    } else {
      out.add(new Annotation("plate", 2, List.of(rect(x0, y0, x1, y1)), "y", full, 0xE8E8F0));
    }
    if (t < n / 3 || t >= 2 * n / 3 || n < 3) {
      int s = Math.min(w, h) / 4;
      int a = w / 2 + w / 8 + shift;
      int b = h / 8 + (t % 2);
      out.add(new Annotation("knife", 4, List.of(new double[] {a, b, a + s, b, a, b + s}), "y",
          (long) (s + 1) * (s + 2) / 2, 0x9098A8));
    }
    int cx = w / 2 - jitter;
    int cy = h * 5 / 8 - jitter;
    String flag = t == 1 ? "inconclusive" : t % 3 == 2 ? "n" : "y";
    out.add(new Annotation("cup", 13, List.of(rect(cx + 0.4, cy + 0.7, cx + w / 8 + 0.9, cy + h / 8 + 0.2)), flag,
        (long) (w / 8 + 1) * (h / 8 + 1), 0xC03028));
    out.add(edgeCase(h, w, i));
    if (occluded) {
      out.add(new Annotation("right hand", 301, List.of(rect(hx, hy, hx + w / 4, hy + h / 4)), "y",
          (long) (w / 4 + 1) * (h / 4 + 1), 0xD9A07A));
    } else {
      out.add(new Annotation("right hand", 301, List.of(rect(0, h - 1 - h / 4, w / 4, h - 1)), "y",
          (long) (w / 4 + 1) * (h / 4 + 1), 0xD9A07A));
    }
    return out;
  }

  private static Annotation edgeCase(int h, int w, int i) {
    return switch (i % 4) {
      case 0 -> {
        int xs = w - w / 8;
        yield new Annotation("cupboard", 3, List.of(rect(xs, h / 2, w + w / 4, h / 2 + h / 8)), "y",
            (long) (w - xs) * (h / 8 + 1), 0x8B5A2B);
      }
      case 1 -> new Annotation("lid", 6, List.of(BOWTIE.clone()), "y", BOWTIE_AREA, 0x404040);
      case 2 -> new Annotation("sponge", 9, List.of(new double[0], rect(2, h - 2 - h / 8, 2 + w / 8, h - 2)), "y",
          (long) (w / 8 + 1) * (h / 8 + 1) + 1, 0x30C040);
      default -> new Annotation("fork", 14,
          List.of(new double[] {w - 3, 1}, new double[] {2, h / 2, 2 + w / 4, h / 2}), "y", 1 + w / 4 + 1, 0xB0B0B0);
    };
  }

  /** The pixel count of {@code a} when drawn alone, known without rasterising. */
  static long expectedArea(Annotation a) {
    return a.area();
  }

  private static double[] rect(double x0, double y0, double x1, double y1) {
    return new double[] {x0, y0, x1, y0, x1, y1, x0, y1};
  }

  private static String hexId(String video, String frame, String name) {
    long a = (video + "/" + frame + "/" + name).hashCode() * 0x9E3779B97F4A7C15L;
    long b = (name + "#" + frame).hashCode() * 0xC2B2AE3D27D4EB4FL;
    return String.format("%016x%016x", a, b);
  }

  /** A counter-top background with wood-grain stripes and noise, the objects painted in order. */
  private static BufferedImage render(int h, int w, List<Annotation> anns, SplittableRandom rnd) {
    List<List<double[]>> polys = new ArrayList<>();
    for (Annotation a : anns) {
      polys.add(a.segments());
    }
    byte[] labels = VisorRaster.labelMap(h, w, polys);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int l = labels[y * w + x] & 0xff;
        int rgb;
        if (l == 0) {
          int grain = (int) (12 * Math.sin((x + 3 * Math.sin(y * 0.3)) * 0.5));
          int noise = rnd.nextInt(9) - 4;
          int v = 150 + grain + noise;
          rgb = (clamp(v + 40) << 16) | (clamp(v + 10) << 8) | clamp(v - 40);
        } else {
          rgb = anns.get(l - 1).rgb();
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static byte[] jpeg(BufferedImage img) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (!ImageIO.write(img, "jpg", b)) {
      throw new IOException("no JPEG writer available");
    }
    return b.toByteArray();
  }

  private static void writeZip(Path zip, String prefix, List<String> names, List<byte[]> data) throws IOException {
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
      for (int k = 0; k < names.size(); k++) {
        ZipEntry e = new ZipEntry(prefix + names.get(k));
        // a fixed local time: the same config gives byte-identical zips in every time zone
        e.setTimeLocal(LocalDateTime.of(2022, 8, 12, 0, 0));
        z.putNextEntry(e);
        z.write(data.get(k));
        z.closeEntry();
      }
    }
  }
}
