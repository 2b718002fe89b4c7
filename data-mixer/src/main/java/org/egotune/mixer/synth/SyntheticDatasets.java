package org.egotune.mixer.synth;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.PaletteMasks;
import org.egotune.mixer.mask.Rle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a deterministic synthetic dataset in one native layout, for tests and the quickstart. */
public final class SyntheticDatasets {

  private static final Logger LOG = LoggerFactory.getLogger(SyntheticDatasets.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Pretty JSON with "\n" line ends whatever the platform, so files are identical everywhere. */
  private static final ObjectWriter PRETTY =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SyntheticDatasets() {}

  /**
   * Generates {@code cfg} into {@code outDir} (created if missing). The same config always gives
   * byte-identical files.
   *
   * @throws IllegalArgumentException if {@code outDir} is a file or a non-empty directory (we never
   *     mix generated files into existing data)
   * @throws IOException if a file cannot be written
   */
  public static SynthSummary generate(SynthConfig cfg, Path outDir) throws IOException {
    requireEmpty(outDir);
    Files.createDirectories(outDir);
    int videoCount = 0;
    int objects = 0;
    int frames = 0;
    int expressions = 0;
    for (String split : cfg.splits()) {
      if (cfg.layout() == Layout.DEPTH) {
        // ray-cast scenes of their own, not ScenePlanner's flat sprites
        int[] n = DepthSynth.write(cfg.forSplit(split), outDir, split);
        videoCount += n[0];
        objects += n[1];
        expressions += n[2];
        frames += n[3];
        continue;
      } else if (cfg.layout() == Layout.VISOR) {
        int[] c = VisorSynth.write(cfg.forSplit(split), outDir, split);
        videoCount += c[0];
        objects += c[1];
        expressions += c[2];
        frames += c[3];
        continue;
      }
      List<SynthVideo> videos = ScenePlanner.plan(cfg.forSplit(split));
      int splitObjects = 0;
      for (SynthVideo v : videos) {
        splitObjects += v.objects.size();
        frames += v.frameCount();
      }
      videoCount += videos.size();
      objects += splitObjects;
      boolean masks = !cfg.layout().releasedWithoutMasks(split);
      // one expression per object, except where a layout says otherwise
      expressions +=
          switch (cfg.layout()) {
            case EGOMASK_TRAIN -> { writeEgoTrain(videos, outDir, split); yield splitObjects; }
            case EGOMASK_BENCH -> { writeBench(videos, outDir); yield splitObjects; }
            case REF_YOUTUBE_VOS -> writePaletteLayout(videos, outDir, split, false, masks);
            case MEVIS -> writeMevis(videos, outDir, split, masks);
            case REF_DAVIS -> writePaletteLayout(videos, outDir, split, true, masks);
            case DEPTH -> throw new IllegalStateException("written by DepthSynth above");
            case VISOR -> throw new IllegalStateException("visor is written by VisorSynth");
          };
    }
    SynthSummary summary = new SynthSummary(videoCount, objects, expressions, frames);
    LOG.info("wrote synthetic {} (seed {}) to {}: {}", cfg.layout().id(), cfg.seed(), outDir,
        summary);
    return summary;
  }

  private static void requireEmpty(Path outDir) throws IOException {
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new IllegalArgumentException(
          "output directory " + outDir + " is a file; expected a new or empty directory");
    }
    if (Files.isDirectory(outDir)) {
      try (Stream<Path> s = Files.list(outDir)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "output directory " + outDir + " is not empty; refusing to write a synthetic dataset"
                  + " over existing files (choose a new or empty directory)");
        }
      }
    }
  }

  // ---------------------------------------------------------------- EgoMask-Train

  private static void writeEgoTrain(List<SynthVideo> videos, Path out, String split)
      throws IOException {
    Path framesRoot = out.resolve(split).resolve("JPEGImages");
    ObjectNode metaVideos = NODES.objectNode();
    ObjectNode maskDict = NODES.objectNode();
    ObjectNode trainMeta = NODES.objectNode();
    ObjectNode trainMetaVideos = trainMeta.putObject("videos");
    for (int vi = 0; vi < videos.size(); vi++) {
      SynthVideo v = videos.get(vi);
      writeFrames(v, framesRoot.resolve(v.dir));
      ObjectNode mv = metaVideos.putObject(v.name);
      ObjectNode exps = mv.putObject("expressions");
      ObjectNode objectsMeta = trainMetaVideos.putObject(v.name).putObject("objects");
      for (int k = 0; k < v.objects.size(); k++) {
        SceneObject o = v.objects.get(k);
        ObjectNode e = exps.putObject(Integer.toString(k));
        e.put("exp", o.expression);
        // the release writes obj_id both ways: alternate so readers meet both
        if (vi % 2 == 0) {
          e.put("obj_id", o.objId);
        } else {
          e.put("obj_id", Integer.parseInt(o.objId));
        }
        ArrayNode list = maskDict.putArray("('" + v.name + "', '" + o.objId + "')");
        ObjectNode om = objectsMeta.putObject(o.objId);
        om.put("category", o.shape.word());
        ArrayNode visibleFrames = om.putArray("frames");
        for (int t = 0; t < v.frameCount(); t++) {
          Mask m = v.mask(k, t);
          if (m == null) {
            list.addNull();
          } else {
            // odd objects use the uncompressed counts list: readers must accept both forms
            list.add(rleNode(Rle.encode(m), k % 2 == 1));
            visibleFrames.add(v.frameNames.get(t));
          }
        }
      }
      mv.set("frames", stringArray(v.frameNames));
    }
    writeJson(out.resolve("meta_expressions").resolve(split).resolve("meta_expressions.json"),
        metaRoot(metaVideos), true);
    writeJson(out.resolve(split).resolve("mask_dict.json"), maskDict, false);
    writeJson(out.resolve(split).resolve("meta.json"), trainMeta, true);
  }

  // ---------------------------------------------------------------- EgoMask benchmark

  private static void writeBench(List<SynthVideo> videos, Path out) throws IOException {
    Map<String, ObjectNode> metaBySplit = new LinkedHashMap<>();
    for (String split : List.of("short", "medium", "long")) {
      metaBySplit.put(split, NODES.objectNode());
    }
    for (SynthVideo v : videos) {
      Path frameDir =
          out.resolve("JPEGImages").resolve("short".equals(v.split) ? "refego" : "egotracks")
              .resolve(v.dir);
      writeFrames(v, frameDir);
      ObjectNode mv = metaBySplit.get(v.split).putObject(v.name);
      mv.set("frames", stringArray(v.frameNames));
      ObjectNode exps = mv.putObject("expressions");
      for (int k = 0; k < v.objects.size(); k++) {
        SceneObject o = v.objects.get(k);
        ObjectNode e = exps.putObject(Integer.toString(k));
        e.put("exp", o.expression);
        e.put("obj_id", Integer.parseInt(o.objId));
        ObjectNode ann = NODES.objectNode();
        for (int t = 0; t < v.frameCount(); t++) {
          Mask m = v.mask(k, t);
          if (m != null) {
            ann.set(v.frameNames.get(t), rleNode(Rle.encode(m), false));
          } else if (!o.omitted[t]) {
            ann.putNull(v.frameNames.get(t));
          }
          // omitted absent frames are not keys at all: "not annotated" in the scorer's terms
        }
        writeJson(out.resolve("annotations").resolve(v.dir).resolve(o.objId + ".json"), ann, false);
      }
    }
    for (Map.Entry<String, ObjectNode> s : metaBySplit.entrySet()) {
      writeJson(out.resolve("subset").resolve(s.getKey()).resolve("meta_expressions.json"),
          metaRoot(s.getValue()), true);
    }
  }

  // ---------------------------------------------------------------- Ref-YouTube-VOS, Ref-DAVIS17

  /** Annotators per object in the converted Ref-DAVIS17: exp_id = 4 x object rank + annotator. */
  static final int DAVIS_ANNOTATORS = 4;

  /**
   * The Ref-YouTube-VOS layout; as Ref-DAVIS17 converted to it ({@code davis}) every object gets
   * four expressions and a 1-pixel void (255) ring around each object, as DAVIS marks uncertain
   * boundary pixels. Without {@code masks} no {@code Annotations} folder is written (a split
   * released without ground truth).
   */
  private static int writePaletteLayout(List<SynthVideo> videos, Path out, String split,
      boolean davis, boolean masks) throws IOException {
    ObjectNode metaVideos = NODES.objectNode();
    int expressions = 0;
    for (SynthVideo v : videos) {
      writeFrames(v, out.resolve(split).resolve("JPEGImages").resolve(v.dir));
      Path annDir = out.resolve(split).resolve("Annotations").resolve(v.dir);
      if (masks) {
        Files.createDirectories(annDir);
      }
      for (int t = 0; masks && t < v.frameCount(); t++) {
        int[] idx = v.paletteIndices(t);
        if (davis) {
          markVoidRing(idx, v.height, v.width);
        }
        PaletteMasks.write(annDir.resolve(v.frameNames.get(t) + ".png"), idx, v.height, v.width);
      }
      ObjectNode mv = metaVideos.putObject(v.name);
      ObjectNode exps = mv.putObject("expressions");
      for (int k = 0; k < v.objects.size(); k++) {
        SceneObject o = v.objects.get(k);
        int annotators = davis ? DAVIS_ANNOTATORS : 1;
        for (int a = 0; a < annotators; a++) {
          ObjectNode e = exps.putObject(Integer.toString(annotators * k + a));
          e.put("exp", a == 0 ? o.expression : annotatorVariant(o, a));
          e.put("obj_id", o.objId); // a string in the real release
          expressions++;
        }
      }
      mv.set("frames", stringArray(v.frameNames));
    }
    writeJson(out.resolve("meta_expressions").resolve(split).resolve("meta_expressions.json"),
        metaRoot(metaVideos), true);
    return expressions;
  }

  /** Annotator {@code a}'s wording (1..3); every wording keeps the colour word, which names it. */
  static String annotatorVariant(SceneObject o, int a) {
    String c = o.colour.name();
    String s = o.shape.word();
    return switch (a) {
      case 1 -> "a " + c + " " + s;
      case 2 -> c + " " + s + " in the video";
      default -> "the " + s + " that is " + c;
    };
  }

  /** Background pixels 8-adjacent to an object become {@link PaletteMasks#VOID_INDEX}. */
  static void markVoidRing(int[] idx, int h, int w) {
    boolean[] ring = new boolean[idx.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (idx[y * w + x] != 0) {
          continue;
        }
        for (int dy = -1; dy <= 1 && !ring[y * w + x]; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = y + dy;
            int xx = x + dx;
            int n = yy * w + xx;
            if (yy >= 0 && yy < h && xx >= 0 && xx < w && idx[n] != 0
                && idx[n] != PaletteMasks.VOID_INDEX) {
              ring[y * w + x] = true;
              break;
            }
          }
        }
      }
    }
    for (int i = 0; i < idx.length; i++) {
      if (ring[i]) {
        idx[i] = PaletteMasks.VOID_INDEX;
      }
    }
  }

  // ---------------------------------------------------------------- MeViS

  /**
   * MeViS: {@code <split>/meta_expressions.json} whose expressions list {@code obj_id} and
   * {@code anno_id} arrays, {@code <split>/mask_dict.json} keyed by the anno_id. Every object gets an
   * expression; every even video also gets one naming its first two objects, whose target is their
   * union. Anno ids are global over the dataset (as in the release), obj ids per video from 0.
   * Without {@code masks} no {@code mask_dict.json} is written (a split released without masks).
   */
  private static int writeMevis(List<SynthVideo> videos, Path out, String split, boolean masks)
      throws IOException {
    ObjectNode metaVideos = NODES.objectNode();
    ObjectNode maskDict = NODES.objectNode();
    int nextAnno = 0;
    int expressions = 0;
    for (int vi = 0; vi < videos.size(); vi++) {
      SynthVideo v = videos.get(vi);
      writeFrames(v, out.resolve(split).resolve("JPEGImages").resolve(v.dir));
      ObjectNode mv = metaVideos.putObject(v.name);
      mv.set("frames", stringArray(v.frameNames));
      ObjectNode exps = mv.putObject("expressions");
      int[] annoIds = new int[v.objects.size()];
      for (int k = 0; k < v.objects.size(); k++) {
        annoIds[k] = nextAnno++;
        ArrayNode list = maskDict.putArray(Integer.toString(annoIds[k]));
        for (int t = 0; t < v.frameCount(); t++) {
          Mask m = v.mask(k, t);
          if (m == null) {
            list.addNull();
          } else {
            // odd anno ids use the uncompressed counts list: readers must accept both forms
            list.add(rleNode(Rle.encode(m), annoIds[k] % 2 == 1));
          }
        }
        ObjectNode e = exps.putObject(Integer.toString(exps.size()));
        e.put("exp", v.objects.get(k).expression);
        e.putArray("obj_id").add(k);
        e.putArray("anno_id").add(annoIds[k]);
      }
      if (vi % 2 == 0 && v.objects.size() >= 2) {
        SceneObject a = v.objects.get(0);
        SceneObject b = v.objects.get(1);
        ObjectNode e = exps.putObject(Integer.toString(exps.size()));
        e.put("exp", "the " + a.colour.name() + " " + a.shape.word() + " and the "
            + b.colour.name() + " " + b.shape.word());
        e.putArray("obj_id").add(0).add(1);
        e.putArray("anno_id").add(annoIds[0]).add(annoIds[1]);
      }
      expressions += exps.size();
    }
    writeJson(out.resolve(split).resolve("meta_expressions.json"), metaRoot(metaVideos), true);
    if (masks) {
      writeJson(out.resolve(split).resolve("mask_dict.json"), maskDict, false);
    }
    return expressions;
  }


  // ---------------------------------------------------------------- shared

  private static void writeFrames(SynthVideo v, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int t = 0; t < v.frameCount(); t++) {
      Path f = dir.resolve(v.frameNames.get(t) + ".jpg");
      if (!ImageIO.write(v.render(t), "jpg", f.toFile())) {
        throw new IOException("cannot write " + f + ": no JPEG writer available");
      }
    }
  }

  private static ObjectNode metaRoot(ObjectNode videos) {
    ObjectNode root = NODES.objectNode();
    root.set("videos", videos);
    return root;
  }

  private static ArrayNode stringArray(List<String> values) {
    ArrayNode a = NODES.arrayNode(values.size());
    values.forEach(a::add);
    return a;
  }

  /** COCO RLE as JSON: compressed string counts, or the plain run list when {@code asList}. */
  static ObjectNode rleNode(Rle rle, boolean asList) {
    ObjectNode n = NODES.objectNode();
    ArrayNode size = n.putArray("size");
    size.add(rle.height());
    size.add(rle.width());
    if (asList) {
      ArrayNode c = n.putArray("counts");
      for (int x : rle.counts()) {
        c.add(x);
      }
    } else {
      n.put("counts", rle.toCompressedString());
    }
    return n;
  }

  static void writeJson(Path file, ObjectNode node, boolean pretty) throws IOException {
    Files.createDirectories(file.getParent());
    (pretty ? PRETTY : JSON.writer()).writeValue(file.toFile(), node);
  }
}
