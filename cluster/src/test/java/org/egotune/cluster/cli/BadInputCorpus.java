package org.egotune.cluster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;

/**
 * Generates the bad-input corpus: each case starts from a small valid dataset, checkpoint or file
 * that the project's own generators write, and damages it the way real inputs get damaged. Nothing
 * is a hand-written binary. {@link BadInputCorpusIT} runs every case through the entry point a user
 * would hit; docs/reliability.md lists the cases and their outcomes.
 */
final class BadInputCorpus {
  static final ObjectMapper JSON = new ObjectMapper();

  private BadInputCorpus() {}

  /** Writes a valid synthetic dataset (2 to 3 videos of 4 frames, 32x32) in {@code layout}. */
  static Path dataset(Path dir, Layout layout) throws IOException {
    SyntheticDatasets.generate(new SynthConfig(layout, 5, 3, 4, 32, 32), dir);
    return dir;
  }

  /** The {@code frame}-th file (sorted) of the first video (sorted) under {@code root/sub}. */
  static Path videoFile(Path root, String sub, int frame) throws IOException {
    Path video = sorted(root.resolve(sub)).get(0);
    return sorted(video).get(frame);
  }

  static List<Path> sorted(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  static void truncate(Path f, int keep) throws IOException {
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, Math.min(keep, b.length)));
  }

  static void cutInHalf(Path f) throws IOException {
    truncate(f, (int) Files.size(f) / 2);
  }

  static ObjectNode readObject(Path f) throws IOException {
    return (ObjectNode) JSON.readTree(f.toFile());
  }

  /** The first mask list of an EgoMask-train / MeViS {@code mask_dict.json}. */
  static ArrayNode firstMasks(ObjectNode dict) {
    return (ArrayNode) dict.elements().next();
  }

  /** Replaces the first non-null RLE of the first mask list with {@code {size:[32,32], counts}}. */
  static void replaceFirstRle(Path dict, Object counts) throws IOException {
    ObjectNode d = readObject(dict);
    ArrayNode masks = firstMasks(d);
    ObjectNode rle = JSON.createObjectNode();
    rle.putArray("size").add(32).add(32);
    if (counts instanceof int[] runs) {
      ArrayNode c = rle.putArray("counts");
      for (int r : runs) {
        c.add(r);
      }
    } else {
      rle.put("counts", (String) counts);
    }
    for (int i = 0; i < masks.size(); i++) {
      if (!masks.get(i).isNull()) {
        masks.set(i, rle);
        break;
      }
    }
    JSON.writeValue(dict.toFile(), d);
  }

  /** Rewrites a 32 x 32 depth label with {@code value} at row 5, column 7 (the rest as it was). */
  static void damageDepth(Path npy, float value) throws IOException {
    float[] map = DepthLabels.readNpy(npy.toString(), Files.readAllBytes(npy), 32, 32);
    map[5 * 32 + 7] = value;
    Files.write(npy, DepthLabels.toNpy(map, 32, 32));
  }

  // ------------------------------------------------------------------ VISOR

  /** The sparse annotation JSON of {@code video} in a generated VISOR dataset (train split). */
  static Path visorJson(Path root, String video) {
    return root.resolve("GroundTruth-SparseAnnotations/annotations/train/" + video + ".json");
  }

  /** The first annotation of the first frame entry of {@code video}, edited in place by {@code edit}. */
  static void editFirstVisorAnnotation(Path root, String video, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    Path f = visorJson(root, video);
    ObjectNode doc = readObject(f);
    edit.accept((ObjectNode) doc.get("video_annotations").get(0).get("annotations").get(0));
    // 123456.5 marks a coordinate the case wants written as Python's json writes NaN
    Files.writeString(f, JSON.writeValueAsString(doc).replace("123456.5", "NaN"));
  }

  /** Rewrites {@code zip} without the entry whose name ends with {@code suffix}. */
  static void dropZipEntry(Path zip, String suffix) throws IOException {
    Path copy = zip.resolveSibling(zip.getFileName() + ".tmp");
    try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(zip.toFile());
        java.io.OutputStream os = Files.newOutputStream(copy);
        java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(os)) {
      for (var it = in.entries(); it.hasMoreElements(); ) {
        java.util.zip.ZipEntry e = it.nextElement();
        if (!e.getName().endsWith(suffix)) {
          out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
          try (java.io.InputStream s = in.getInputStream(e)) {
            s.transferTo(out);
          }
        }
      }
    }
    Files.move(copy, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static byte[] image(String format, int type, int height, int width) throws IOException {
    BufferedImage img = new BufferedImage(width, height, type);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ safetensors

  /** A valid two-tensor F32 file (a: [2,3], b: [4]) with {@code header} as its JSON header. */
  static Path safetensors(Path f, String header, long dataBytes, Long headerLength) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + (int) dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength != null ? headerLength : h.length).put(h);
    Files.write(f, b.array());
    return f;
  }

  static String header(Map<String, String> tensors) {
    List<String> parts = new ArrayList<>();
    tensors.forEach((name, spec) -> parts.add("\"" + name + "\":" + spec));
    return "{" + String.join(",", parts) + "}";
  }

  static String tensor(String dtype, String shape, long begin, long end) {
    return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }
}
