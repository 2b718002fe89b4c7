package org.egotune.cluster.cli;

import static org.egotune.cluster.cli.BadInputCorpus.cutInHalf;
import static org.egotune.cluster.cli.BadInputCorpus.dataset;
import static org.egotune.cluster.cli.BadInputCorpus.header;
import static org.egotune.cluster.cli.BadInputCorpus.readObject;
import static org.egotune.cluster.cli.BadInputCorpus.replaceFirstRle;
import static org.egotune.cluster.cli.BadInputCorpus.safetensors;
import static org.egotune.cluster.cli.BadInputCorpus.tensor;
import static org.egotune.cluster.cli.BadInputCorpus.videoFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.mix.MixSource;
import org.egotune.mixer.mix.RatioMixer;
import org.egotune.mixer.synth.Layout;
import org.egotune.model.SegModel;
import org.egotune.model.io.Safetensors;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.loop.LocalTrainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@link BadInputCorpus}) through the entry point a user would hit: {@code
 * egotune prepare / train / export / evaluate} in this JVM, or {@link Safetensors#read} for weight
 * files (a library call). Every case must end, within a time limit, in one line naming the file (or
 * flag) and the problem with exit code 2, and leave no output that looks complete (no manifest, no
 * checkpoint, no export). The table in docs/reliability.md lists the cases.
 */
@Tag("slow")
class BadInputCorpusIT {

  /** A case: {@code make} damages inputs under a fresh directory and returns the command's args. */
  interface Make {
    List<String> args(Path dir) throws Exception;
  }

  record Case(String name, Make make, String... expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case prepare(String name, Layout layout, Damage damage, String... expected) {
    return new Case(name, dir -> {
      Path in = dataset(dir.resolve("in"), layout);
      damage.apply(in);
      return List.of("prepare", "--layout", layout.id(), "--input", in.toString(),
          "--out", dir.resolve("out").toString(), "--master", "local[1]");
    }, expected);
  }

  interface Damage {
    void apply(Path root) throws Exception;
  }

  static Case train(String name, String mix, String flag, String value, String... expected) {
    return new Case(name, dir -> {
      List<String> a = new ArrayList<>(List.of("train", "--shards", dir.resolve("shards").toString(),
          "--checkpoint-dir", dir.resolve("ckpt").toString(), "--master", "local[1]", "--print-config"));
      if (mix != null) {
        a.addAll(List.of("--mix", mix));
      }
      if (flag != null) {
        a.addAll(List.of(flag, value));
      }
      return a;
    }, expected);
  }

  static Case checkpoint(String name, String command, CheckpointDamage damage, String... expected) {
    return new Case(name, dir -> {
      Path ckpt = validCheckpoint(dir.resolve("run"));
      damage.apply(ckpt);
      if (command.equals("export")) {
        return List.of("export", "--checkpoint", ckpt.toString(), "--out", dir.resolve("out").toString());
      }
      Path bench = dataset(dir.resolve("bench"), Layout.EGOMASK_BENCH);
      return List.of("evaluate", "--benchmark", bench.toString(), "--checkpoint", ckpt.toString(),
          "--json", dir.resolve("out/metrics.json").toString());
    }, expected);
  }

  interface CheckpointDamage {
    void apply(Path ckptDir) throws Exception;
  }

  static Stream<Case> cases() {
    return Stream.of(
        // --- JSON
        prepare("json-truncated", Layout.EGOMASK_TRAIN,
            root -> BadInputCorpus.truncate(root.resolve("train/mask_dict.json"), 100),
            "mask_dict.json", "malformed JSON"),
        prepare("json-trailing-garbage", Layout.REF_YOUTUBE_VOS, root -> {
          Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
          Files.writeString(meta, Files.readString(meta) + "\n}{");
        }, "meta_expressions.json", "malformed JSON"),
        prepare("json-wrong-top-level-type", Layout.MEVIS,
            root -> Files.writeString(root.resolve("train/mask_dict.json"), "[1, 2, 3]"),
            "mask_dict.json", "expected an object"),
        prepare("json-empty-file", Layout.MEVIS,
            root -> Files.writeString(root.resolve("train/meta_expressions.json"), ""),
            "meta_expressions.json", "empty file"),
        prepare("json-nan-token", Layout.EGOMASK_TRAIN, root -> {
          Path dict = root.resolve("train/mask_dict.json");
          Files.writeString(dict, Files.readString(dict).replaceFirst("\\[32, ?32\\]", "[NaN, 32]"));
        }, "mask_dict.json", "malformed JSON"),
        // --- RLE
        prepare("rle-wrong-total", Layout.EGOMASK_TRAIN,
            root -> replaceFirstRle(root.resolve("train/mask_dict.json"), new int[] {1000, 10}),
            "mask_dict.json", "runs sum to 1010", "32*32 = 1024"),
        prepare("rle-negative-run", Layout.MEVIS,
            root -> replaceFirstRle(root.resolve("train/mask_dict.json"), new int[] {1025, -1}),
            "mask_dict.json", "is negative"),
        prepare("rle-string-cut-inside-a-run", Layout.EGOMASK_TRAIN,
            root -> replaceFirstRle(root.resolve("train/mask_dict.json"), "a"),
            "mask_dict.json", "ends inside a run"),
        // --- images
        prepare("jpeg-truncated", Layout.EGOMASK_TRAIN,
            root -> cutInHalf(videoFile(root, "train/JPEGImages", 2)),
            "JPEGImages/ego_0000/", ".jpg: truncated JPEG (no end-of-image marker)"),
        prepare("jpeg-truncated-first-frame", Layout.MEVIS,
            root -> BadInputCorpus.truncate(videoFile(root, "train/JPEGImages", 0), 12),
            "00000.jpg", "image"),
        prepare("png-annotation-truncated", Layout.REF_DAVIS,
            root -> cutInHalf(videoFile(root, "train/Annotations", 1)),
            ".png", "PNG"),
        prepare("png-annotation-not-palette", Layout.REF_YOUTUBE_VOS,
            root -> Files.write(videoFile(root, "train/Annotations", 1),
                BadInputCorpus.image("png", BufferedImage.TYPE_INT_RGB, 32, 32)),
            ".png", "expected a palette (indexed-colour) PNG"),
        prepare("frame-not-an-image", Layout.REF_YOUTUBE_VOS,
            root -> Files.writeString(videoFile(root, "train/JPEGImages", 0), "<html>not a frame</html>"),
            "00000.jpg", "not a readable image"),
        prepare("frame-of-another-size", Layout.REF_DAVIS,
            root -> Files.write(videoFile(root, "train/JPEGImages", 3),
                BadInputCorpus.image("jpg", BufferedImage.TYPE_INT_RGB, 48, 32)),
            ".jpg", "frame is 48x32", "32x32"),
        // --- depth labels (the depth layout)
        prepare("depth-label-of-another-size", Layout.DEPTH,
            root -> Files.write(videoFile(root, "train/depth", 1), DepthLabels.toNpy(new float[16 * 16], 16, 16)),
            "depth_0000/00001.npy", "depth map shape is (16,16), expected (32, 32)"),
        prepare("depth-label-nan", Layout.DEPTH,
            root -> BadInputCorpus.damageDepth(videoFile(root, "train/depth", 2), Float.NaN),
            "depth_0000/00002.npy", "is NaN"),
        prepare("depth-label-negative", Layout.DEPTH,
            root -> BadInputCorpus.damageDepth(videoFile(root, "train/depth", 0), -0.5f),
            "depth_0000/00000.npy", "is negative (-0.5)"),
        prepare("depth-label-float64", Layout.DEPTH, root -> {
          Path f = videoFile(root, "train/depth", 3);
          byte[] b = Files.readAllBytes(f);
          Files.write(f, new String(b, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<f8'")
              .getBytes(StandardCharsets.ISO_8859_1));
        }, "depth_0000/00003.npy", "dtype is '<f8', expected float32 '<f4'"),
        prepare("depth-label-missing", Layout.DEPTH,
            root -> Files.delete(videoFile(root, "train/depth", 2)),
            "depth_0000/00002.npy", "depth label not found"),
        // --- frames and counts
        prepare("frame-missing", Layout.REF_YOUTUBE_VOS,
            root -> Files.delete(videoFile(root, "train/JPEGImages", 2)),
            ".jpg", "frame file not found"),
        prepare("mask-count-differs-from-frames", Layout.EGOMASK_TRAIN, root -> {
          Path dict = root.resolve("train/mask_dict.json");
          ObjectNode d = readObject(dict);
          BadInputCorpus.firstMasks(d).addNull();
          BadInputCorpus.JSON.writeValue(dict.toFile(), d);
        }, "mask_dict.json", "has 5 entries, expected one per frame (4)"),
        prepare("frame-listed-twice", Layout.REF_YOUTUBE_VOS, root -> {
          Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
          ObjectNode m = readObject(meta);
          ArrayNode frames = (ArrayNode) m.get("videos").elements().next().get("frames");
          frames.set(1, frames.get(0));
          BadInputCorpus.JSON.writeValue(meta.toFile(), m);
        }, "meta_expressions.json", "listed twice"),
        prepare("dataset-empty", Layout.REF_YOUTUBE_VOS, root -> {
          Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
          Files.writeString(meta, "{\"videos\": {}}");
        }, "holds no usable expression"),
        prepare("dataset-directory-missing", Layout.MEVIS,
            root -> BadInputCorpus.sorted(root).forEach(p -> deleteTree(p)),
            "meta_expressions.json"),
        // --- paths that climb out of the dataset root
        prepare("path-frame-name-dotdot", Layout.REF_YOUTUBE_VOS, root -> {
          Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
          ObjectNode m = readObject(meta);
          ((ArrayNode) m.get("videos").elements().next().get("frames")).set(0,
              BadInputCorpus.JSON.getNodeFactory().textNode("../../../../etc/passwd"));
          BadInputCorpus.JSON.writeValue(meta.toFile(), m);
        }, "meta_expressions.json", "is not a plain file name"),
        prepare("path-video-name-dotdot", Layout.EGOMASK_TRAIN, root -> {
          Path meta = root.resolve("meta_expressions/train/meta_expressions.json");
          ObjectNode m = readObject(meta);
          ObjectNode videos = (ObjectNode) m.get("videos");
          String first = videos.fieldNames().next();
          videos.set("..", videos.remove(first));
          BadInputCorpus.JSON.writeValue(meta.toFile(), m);
        }, "meta_expressions.json", "not a plain file name"),
        // --- VISOR polygons and zipped frames
        prepare("visor-polygon-nan", Layout.VISOR, root -> BadInputCorpus.editFirstVisorAnnotation(root, "P02_102",
            a -> ((ArrayNode) a.get("segments").get(0).get(0)).set(0, BadInputCorpus.JSON.getNodeFactory().numberNode(123456.5))),
            "P02_102.json", "video_annotations[0].annotations[0].segments[0][0][0]: coordinate NaN is not a finite pixel coordinate"),
        prepare("visor-polygon-non-numeric", Layout.VISOR, root -> BadInputCorpus.editFirstVisorAnnotation(root, "P02_102",
            a -> ((ArrayNode) a.get("segments").get(0).get(0)).set(1, BadInputCorpus.JSON.getNodeFactory().textNode("12"))),
            "P02_102.json", "segments[0][0][1]: expected a number, found STRING"),
        prepare("visor-segments-wrong-nesting", Layout.VISOR, root -> BadInputCorpus.editFirstVisorAnnotation(root, "P02_102",
            a -> a.set("segments", a.get("segments").get(0))),
            "P02_102.json", "segments[0][0]: wrong nesting: expected a point [x, y], found NUMBER"),
        prepare("visor-frame-missing-from-zip", Layout.VISOR, root -> BadInputCorpus.dropZipEntry(
            root.resolve("GroundTruth-SparseAnnotations/rgb_frames/train/P01/P01_101.zip"), "_frame_0000001037.jpg"),
            "P01_101.zip: frame P01_101_frame_0000001037.jpg is not in the zip", "referenced by P01_101.json"),
        // --- mixture and config
        train("weights-do-not-sum-to-1", "egomask-train=0.7,ref-youtube-vos=0.2", null, null,
            "data.mix weights must sum to 1"),
        train("weight-negative", "egomask-train=1.2,ref-youtube-vos=-0.2", null, null,
            "data.mix.egomask-train must be a weight in [0, 1]"),
        train("weight-nan", "egomask-train=NaN,ref-youtube-vos=0.2", null, null,
            "data.mix.egomask-train must be a weight in [0, 1], found NaN"),
        train("learning-rate-nan", null, "--lr", "NaN", "train.learningRate must be > 0, found NaN"),
        train("mix-not-a-number", "egomask-train=0.8,ref-youtube-vos=x", null, null,
            "--mix: weight of ref-youtube-vos is not a number"),
        new Case("config-file-malformed", dir -> {
          Path cfg = Files.writeString(dir.resolve("job.yaml"), "train: {steps: [1, 2\n");
          return List.of("train", "--config", cfg.toString(), "--print-config");
        }, "job.yaml"),
        new Case("shards-not-prepared", dir -> List.of("train", "--shards", dir.resolve("none").toString(),
            "--checkpoint-dir", dir.resolve("ckpt").toString(), "--master", "local[1]", "--steps", "2"),
            "data.mix.egomask-train: cannot read the prepared dataset", "manifest.json not found"),
        // --- checkpoints (export and evaluate)
        checkpoint("checkpoint-params-byte-flipped", "export", ckpt -> flip(ckpt.resolve("params.f32")),
            "params.f32", "checksum mismatch"),
        checkpoint("checkpoint-optimizer-byte-flipped", "evaluate", ckpt -> flip(ckpt.resolve("optimizer.f32")),
            "optimizer.f32", "checksum mismatch"),
        checkpoint("checkpoint-meta-byte-flipped", "export", ckpt -> flip(ckpt.resolve("meta.json")),
            "meta.json", "checksum mismatch"),
        checkpoint("checkpoint-params-truncated", "export", ckpt -> {
          BadInputCorpus.truncate(ckpt.resolve("params.f32"), 10);
          Files.deleteIfExists(ckpt.resolve(".params.f32.crc"));
        }, "params.f32", "checksum mismatch"),
        checkpoint("checkpoint-missing-file", "evaluate", ckpt -> Files.delete(ckpt.resolve("params.f32")),
            "params.f32 is missing from the checkpoint"),
        checkpoint("checkpoint-nan-parameter", "export", ckpt -> rewriteParamsWithNaN(ckpt),
            "params.f32", "is NaN", "non-finite"),
        new Case("checkpoint-directory-empty", dir -> List.of("export", "--checkpoint",
            Files.createDirectories(dir.resolve("empty")).toString(), "--out", dir.resolve("out").toString()),
            "is neither a checkpoint (no meta.json) nor a directory holding checkpoints"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyBadInputEndsInOneClearLineAndExitCode2(Case c, @TempDir Path dir) throws Exception {
    List<String> args = c.make().args(dir);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> EgoTuneCli.execute(args.toArray(String[]::new)));
    } finally {
      System.setErr(oldErr);
    }
    String stderr = err.toString(StandardCharsets.UTF_8);
    List<String> errorLines = stderr.lines().filter(l -> l.startsWith("egotune ")).toList();
    assertEquals(2, exit, c.name() + ": exit code; stderr:\n" + stderr);
    assertEquals(1, errorLines.size(), "exactly one error line:\n" + stderr);
    String line = errorLines.get(0);
    for (String part : c.expected()) {
      assertTrue(line.contains(part), c.name() + ": '" + part + "' not in: " + line);
    }
    assertFalse(stderr.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")),
        "no stack trace without -Degotune.debug:\n" + stderr);
    assertNothingLooksComplete(dir);
    System.out.println("bad input " + c.name() + " -> exit 2: " + line);
  }

  /** No manifest (prepare), no checkpoint (train), no card or model (export), no metrics (evaluate). */
  static void assertNothingLooksComplete(Path dir) throws IOException {
    for (String where : new String[] {"out", "ckpt/step-00000002", "shards"}) {
      Path p = dir.resolve(where);
      if (!Files.exists(p) || where.startsWith("ckpt/")) {
        assertFalse(Files.exists(p), p + " must not exist");
        continue;
      }
      try (Stream<Path> s = Files.walk(p)) {
        List<String> complete = s.map(x -> x.getFileName().toString())
            .filter(n -> n.equals("manifest.json") || n.equals("card.json") || n.equals("model.fb")
                || n.equals("metrics.json") || n.equals("model.safetensors"))
            .toList();
        assertTrue(complete.isEmpty(), "partial output looks complete: " + complete);
      }
    }
  }

  // ------------------------------------------------------------------ safetensors (library call)

  static final String A = "a";

  static Stream<Case> safetensorsCases() {
    String ok = tensor("F32", "[2,3]", 0, 24);
    return Stream.of(
        st("safetensors-header-length-past-the-end", header(Map.of(A, ok)), 24, 1L << 20,
            "header length 1048576 runs past the end of the file"),
        st("safetensors-offsets-out-of-range", header(Map.of(A, tensor("F32", "[2,3]", 0, 24))), 8, null,
            "are outside the data (8 bytes)"),
        st("safetensors-offsets-overlap", header(ordered(A, ok, "b", tensor("F32", "[4]", 8, 24))), 24, null,
            "overlaps tensor a"),
        st("safetensors-unknown-dtype", header(Map.of(A, tensor("F31", "[2,3]", 0, 24))), 24, null,
            "unknown dtype F31"),
        st("safetensors-huge-shape", header(Map.of(A, tensor("F32", "[4294967296,4294967296]", 0, 24))), 24, null,
            "has more elements than a file can hold"),
        st("safetensors-size-disagrees-with-shape", header(Map.of(A, tensor("F32", "[100,100]", 0, 24))), 24, null,
            "needs 40000 bytes but data_offsets span 24"),
        st("safetensors-header-not-json", "{\"a\": {\"dtype\": ", 0, null, "header is not valid JSON"),
        st("safetensors-shorter-than-8-bytes", null, 0, null, "shorter than the 8-byte header length"),
        st("safetensors-integer-size-disagrees-with-shape", header(Map.of(A, tensor("I64", "[4]", 0, 24))), 24, null,
            "tensor a: I64 [4] needs 32 bytes but data_offsets span 24"));
  }

  static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  static Case st(String name, String header, long data, Long headerLength, String expected) {
    return new Case(name, dir -> {
      Path f = dir.resolve("weights.safetensors");
      if (header == null) {
        Files.write(f, new byte[] {1, 2, 3});
      } else {
        safetensors(f, header, data, headerLength);
      }
      return List.of(f.toString());
    }, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("safetensorsCases")
  void everyLyingSafetensorsHeaderIsRefusedWithTheFileNamed(Case c, @TempDir Path dir) throws Exception {
    Path f = Path.of(c.make().args(dir).get(0));
    IOException e = assertThrows(IOException.class,
        () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Safetensors.read(f)));
    String msg = e.getMessage();
    assertTrue(msg.startsWith("invalid safetensors file " + f + ": "), msg);
    assertTrue(msg.contains(c.expected()[0]), c.name() + ": '" + c.expected()[0] + "' not in: " + msg);
    assertEquals(1, msg.lines().count(), "one line: " + msg);
    System.out.println("bad input " + c.name() + " -> refused: " + msg);
  }

  // ------------------------------------------------------------------ valid edges

  /** {@code --on-bad-sample skip} on VISOR: the entity with a NaN polygon is left out and listed, the rest prepared. */
  @Test
  void visorBadPolygonIsSkippedUnderSkip(@TempDir Path dir) throws Exception {
    Path in = dataset(dir.resolve("in"), Layout.VISOR);
    BadInputCorpus.editFirstVisorAnnotation(in, "P02_102",
        a -> ((ArrayNode) a.get("segments").get(0).get(0)).set(0, BadInputCorpus.JSON.getNodeFactory().numberNode(123456.5)));
    int exit = EgoTuneCli.execute("prepare", "--layout", "visor", "--input", in.toString(),
        "--out", dir.resolve("out").toString(), "--master", "local[1]", "--on-bad-sample", "skip");
    assertEquals(0, exit);
    Path report;
    try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
      report = s.filter(p -> p.getFileName().toString().equals("bad-samples.jsonl")).findFirst().orElseThrow();
    }
    List<String> lines = Files.readAllLines(report);
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).contains("coordinate NaN is not a finite pixel coordinate"), lines.get(0));
    assertTrue(Files.exists(report.resolveSibling("manifest.json")));
  }

  /** A share of 0 or 1 is a valid mixture (the ratio sweep's ends): the 0-weight source is never drawn. */
  @Test
  void ratioZeroAndOneAreValidEdges() {
    for (String mix : new String[] {"egomask-train=1,ref-youtube-vos=0", "egomask-train=0,ref-youtube-vos=1"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream oldErr = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, EgoTuneCli.execute("train", "--mix", mix, "--print-config"), err.toString());
      } finally {
        System.setErr(oldErr);
      }
    }
    RatioMixer m = new RatioMixer(List.of(new MixSource("ego", 7, 1.0), new MixSource("exo", 5, 0.0)), 3L);
    assertEquals(Map.of("ego", 1000L, "exo", 0L), m.countsUpTo(1000));
  }

  // ------------------------------------------------------------------ helpers

  /** A complete, valid checkpoint of the default model (as train writes it), for damaging. */
  static Path validCheckpoint(Path root) throws IOException {
    JobConfig cfg = ConfigLoader.load(null, Map.of("checkpoint.dir", root.toString()));
    LocalTrainer t = new LocalTrainer(cfg.model(), cfg.train());
    ObjectNode meta = BadInputCorpus.JSON.createObjectNode();
    meta.set("config", ConfigLoader.toTree(cfg));
    CheckpointStore store = new CheckpointStore(new Configuration(), new org.apache.hadoop.fs.Path(root.toUri()), 3);
    org.apache.hadoop.fs.Path ckpt = store.save(
        new CheckpointData(2, 2, 16L, t.params(), t.optimizerState(), meta),
        Map.of("model.fb", SegModel.withParams(cfg.model(), t.params()).toModelFile()));
    return Path.of(ckpt.toUri());
  }

  /** Flips one bit in the middle of {@code f}; Hadoop's .crc goes too, so our SHA-256 must catch it. */
  static void flip(Path f) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      long at = raf.length() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x20);
    }
    Files.deleteIfExists(f.resolveSibling("." + f.getFileName() + ".crc"));
  }

  /** Rewrites a checkpoint in place with one NaN parameter and checksums that match. */
  static void rewriteParamsWithNaN(Path ckpt) throws IOException {
    Path root = ckpt.getParent();
    CheckpointStore store = new CheckpointStore(new Configuration(), new org.apache.hadoop.fs.Path(root.toUri()), 3);
    CheckpointData c = store.load(new org.apache.hadoop.fs.Path(ckpt.toUri()));
    byte[] model = store.readFile(new org.apache.hadoop.fs.Path(ckpt.toUri()), "model.fb");
    deleteTree(ckpt);
    Files.deleteIfExists(root.resolve("latest"));
    Files.deleteIfExists(root.resolve(".latest.crc"));
    float[] p = c.params().clone();
    p[p.length / 2] = Float.NaN;
    store.save(new CheckpointData(c.step(), c.iteration(), c.mixerPosition(), p, c.optimizer(), c.meta()),
        Map.of("model.fb", model));
  }

  static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
