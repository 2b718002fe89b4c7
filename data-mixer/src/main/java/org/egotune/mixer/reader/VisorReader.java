package org.egotune.mixer.reader;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.FrameHeader;
import org.egotune.mixer.record.ZipFrames;
import org.egotune.mixer.visor.VisorFrame;
import org.egotune.mixer.visor.VisorJson;
import org.egotune.mixer.visor.VisorObject;
import org.egotune.mixer.visor.VisorRaster;

/**
 * Reads EPIC-KITCHENS VISOR: the sparse ground truth
 * ({@code GroundTruth-SparseAnnotations/annotations/<split>/<video>.json}, split {@code train} or
 * {@code val}) or the dense interpolations
 * ({@code Interpolations-DenseAnnotations/<split>/<video>_interpolations.json}, split
 * {@code train-dense} or {@code val-dense}), with frames from per-video folders or per-video zips
 * read in place. A clip is one VISOR subsequence (sparse) or one interpolation (dense); each
 * entity name in it is one expression whose text is the name (VISOR has no referring text), its
 * mask per frame rasterised from the polygons exactly as VISOR's tools do ({@link VisorRaster}).
 */
public final class VisorReader implements DatasetReader {

  /** The folder of the sparse ground truth under the dataset root. */
  public static final String SPARSE = "GroundTruth-SparseAnnotations";
  /** The folder of the dense interpolations under the dataset root. */
  public static final String DENSE = "Interpolations-DenseAnnotations";
  /** A split name ending in this reads the dense interpolations of the split before it. */
  public static final String DENSE_SUFFIX = "-dense";

  /** A reader; the registry ({@code org.egotune.mixer.layout.DatasetLayouts}) holds the instance in use. */
  public VisorReader() {}

  /** Where one kind (sparse or dense) of one split keeps its JSON and its frames. */
  record Location(Path annotations, Path frames, String jsonSuffix) {
    static Location of(Path root, String split) {
      if (split.endsWith(DENSE_SUFFIX)) {
        String base = split.substring(0, split.length() - DENSE_SUFFIX.length());
        Path d = root.resolve(DENSE);
        return new Location(d.resolve(base), d.resolve("rgb_frames").resolve(base), "_interpolations.json");
      }
      Path s = root.resolve(SPARSE);
      return new Location(s.resolve("annotations").resolve(split), s.resolve("rgb_frames").resolve(split),
          ".json");
    }
  }

  @Override
  public ReadResult read(ReadRequest request) throws DatasetFormatException {
    Location loc = Location.of(request.root(), request.split());
    if (!Files.isDirectory(loc.annotations())) {
      throw new DatasetFormatException(loc.annotations() + ": annotation folder not found (expected one JSON"
          + " per video, <video>" + loc.jsonSuffix() + ")");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(loc.annotations())) {
      files = s.filter(p -> p.getFileName().toString().endsWith(loc.jsonSuffix()))
          .sorted().toList();
    } catch (IOException e) {
      throw new DatasetFormatException(loc.annotations() + ": cannot list: " + e.getMessage(), e);
    }
    List<ClipRecord> records = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      String video = name.substring(0, name.length() - loc.jsonSuffix().length());
      readVideo(request, loc, file, video, records);
    }
    return new ReadResult(records, 0);
  }

  /** One clip being assembled: its frames by number, and its annotations by entity name. */
  private static final class Clip {
    final String id;
    final TreeMap<Long, VisorFrame> frames = new TreeMap<>();
    final Map<String, Map<Long, List<VisorObject>>> objects = new TreeMap<>();
    final Map<String, DatasetFormatException> bad = new HashMap<>();
    DatasetFormatException clipProblem;

    Clip(String id) {
      this.id = id;
    }
  }

  private static void readVideo(ReadRequest request, Location loc, Path file, String video,
      List<ClipRecord> records) throws DatasetFormatException {
    BadSamples bad = request.bad();
    List<JsonNode> entries;
    try {
      ReaderSupport.safeName(video, file, "(file name)");
      entries = VisorJson.entries(file);
    } catch (DatasetFormatException e) {
      bad.reject(video, null, "video_annotations", e);
      return;
    }
    boolean dense = loc.jsonSuffix().startsWith("_interp");
    Map<String, Clip> clips = new TreeMap<>();
    for (int i = 0; i < entries.size(); i++) {
      VisorFrame f;
      Clip clip;
      try {
        f = VisorJson.frame(entries.get(i), i, file);
        if (!f.video().equals(video)) {
          throw new DatasetFormatException(file + ": " + f.where() + ".image.video: " + f.video()
              + " in the file of video " + video);
        }
        String id = clipId(video, dense ? f.interpolation() : f.subsequence(), dense);
        ReaderSupport.safeName(id, file, f.where() + ".image");
        clip = clips.computeIfAbsent(id, Clip::new);
      } catch (DatasetFormatException e) {
        bad.reject(video, null, "video_annotations[" + i + "]", e);
        continue;
      }
      if (clip.frames.put(f.number(), f) != null && clip.clipProblem == null) {
        clip.clipProblem = new DatasetFormatException(file + ": " + f.where() + ".image.name: frame "
            + f.frame() + " is listed twice in clip " + clip.id + " (expected each frame once)");
      }
      for (int j = 0; j < f.annotations().size(); j++) {
        String where = f.where() + ".annotations[" + j + "]";
        JsonNode ann = f.annotations().get(j);
        try {
          VisorObject o = VisorJson.object(ann, file, where);
          clip.objects.computeIfAbsent(o.name(), k -> new TreeMap<>())
              .computeIfAbsent(f.number(), k -> new ArrayList<>()).add(o);
        } catch (DatasetFormatException e) {
          JsonNode n = ann == null ? null : ann.get("name");
          if (n != null && n.isTextual()) {
            clip.objects.computeIfAbsent(n.textValue(), k -> new TreeMap<>());
            clip.bad.putIfAbsent(n.textValue(), e);
          } else if (clip.clipProblem == null) {
            clip.clipProblem = e;
          }
        }
      }
    }
    FrameSource source = null;
    DatasetFormatException sourceProblem = null;
    if (!clips.isEmpty()) {
      try {
        source = FrameSource.find(loc.frames(), video, file);
      } catch (DatasetFormatException e) {
        sourceProblem = e;
      }
    }
    for (Clip clip : clips.values()) {
      toRecords(request, file, clip, source, sourceProblem, records);
    }
  }

  /**
   * The clip a frame belongs to: its subsequence (sparse) or interpolation (dense), else the whole
   * video; an interpolation id that does not name its video gets the video as prefix.
   */
  static String clipId(String video, String key, boolean dense) {
    if (key == null) {
      return video;
    }
    if (dense && !key.startsWith(video + "_")) {
      return video + "_interpolation_" + key;
    }
    return key;
  }

  private static void toRecords(ReadRequest request, Path file, Clip clip, FrameSource source,
      DatasetFormatException sourceProblem, List<ClipRecord> records) throws DatasetFormatException {
    BadSamples bad = request.bad();
    List<String> names = new ArrayList<>(clip.objects.keySet());
    Map<String, String> expIds = new LinkedHashMap<>();
    for (int k = 0; k < names.size(); k++) {
      expIds.put(names.get(k), Integer.toString(k + 1)); // VISOR-VOS: alphabetical rank from 1
    }
    DatasetFormatException whole = clip.clipProblem != null ? clip.clipProblem : sourceProblem;
    List<String> frameNames = new ArrayList<>();
    List<String> frameFiles = new ArrayList<>();
    int[] hw = null;
    if (whole == null) {
      try {
        for (VisorFrame f : clip.frames.values()) {
          frameNames.add(f.frame());
          frameFiles.add(source.file(f));
        }
        hw = source.size(clip.frames.firstEntry().getValue());
      } catch (DatasetFormatException e) {
        whole = e;
      }
    }
    if (whole != null) {
      if (names.isEmpty()) {
        bad.reject(clip.id, null, key(clip.id, null), whole);
      }
      for (String n : names) {
        bad.reject(clip.id, expIds.get(n), key(clip.id, n), whole);
      }
      return;
    }
    for (String n : names) {
      String expId = expIds.get(n);
      if (clip.bad.containsKey(n)) {
        bad.reject(clip.id, expId, key(clip.id, n), clip.bad.get(n));
        continue;
      }
      Map<Long, List<VisorObject>> byFrame = clip.objects.get(n);
      List<Rle> masks = new ArrayList<>();
      Map<String, String> exhaustive = new HashMap<>();
      for (VisorFrame f : clip.frames.values()) {
        List<VisorObject> here = byFrame.get(f.number());
        if (here == null) {
          masks.add(null);
          continue;
        }
        // two annotations with one name in a frame are one entity, as in the tools' label maps
        Mask m = null;
        for (VisorObject o : here) {
          Mask one = VisorRaster.objectMask(hw[0], hw[1], o.segments());
          m = m == null ? one : m.union(one);
        }
        masks.add(Rle.encode(m));
        if (here.get(0).exhaustive() != null) {
          exhaustive.put(f.frame(), here.get(0).exhaustive());
        }
      }
      records.add(new ClipRecord(request.source(), clip.id, expId, n, List.of(n), frameNames, frameFiles,
          masks, new java.util.HashSet<>(frameNames), hw[0], hw[1], exhaustive));
    }
  }

  /** A sample's key in the bad-sample report: {@code clips.<clip>[.objects.<name>]}. */
  static String key(String clip, String name) {
    return "clips." + clip + (name == null ? "" : ".objects." + name);
  }

  /**
   * A video's frames: a folder of {@code <frame>.jpg} or a zip read in place, found under the
   * split's {@code rgb_frames} as {@code <PXX>/<video>.zip}, {@code <PXX>/<video>/},
   * {@code <video>.zip} or {@code <video>/} (first found).
   */
  private static final class FrameSource {
    final Path dir;
    final Path zip;
    /** Zip entries by base name (entries may sit in a folder inside the zip). */
    final Map<String, String> entries;
    final Path json;

    private FrameSource(Path dir, Path zip, Map<String, String> entries, Path json) {
      this.dir = dir;
      this.zip = zip;
      this.entries = entries;
      this.json = json;
    }

    static FrameSource find(Path framesRoot, String video, Path json) throws DatasetFormatException {
      int us = video.indexOf('_');
      String participant = us > 0 ? video.substring(0, us) : video;
      List<Path> tried = new ArrayList<>();
      for (Path base : List.of(framesRoot.resolve(participant), framesRoot)) {
        Path zip = base.resolve(video + ".zip");
        Path dir = base.resolve(video);
        tried.add(zip);
        tried.add(dir);
        if (Files.isRegularFile(zip)) {
          return new FrameSource(null, zip, index(zip), json);
        }
        if (Files.isDirectory(dir)) {
          return new FrameSource(dir, null, null, json);
        }
      }
      throw new DatasetFormatException(tried.get(0) + ": frames of video " + video + " not found (tried "
          + tried + "; annotations in " + json + ")");
    }

    private static Map<String, String> index(Path zip) throws DatasetFormatException {
      Map<String, String> out = new HashMap<>();
      try (ZipFile z = new ZipFile(zip.toFile())) {
        for (var it = z.entries(); it.hasMoreElements(); ) {
          ZipEntry e = it.nextElement();
          if (e.isDirectory()) {
            continue;
          }
          String n = e.getName();
          String base = n.substring(n.lastIndexOf('/') + 1);
          String prev = out.put(base, n);
          if (prev != null) {
            throw new DatasetFormatException(zip + ": " + base + " is in the zip twice (" + prev + ", " + n
                + "; expected one file per frame)");
          }
        }
      } catch (IOException e) {
        if (e instanceof DatasetFormatException d) {
          throw d;
        }
        throw new DatasetFormatException(zip + ": not a readable zip: " + e.getMessage(), e);
      }
      return out;
    }

    String file(VisorFrame f) throws DatasetFormatException {
      String name = f.frame() + ".jpg";
      if (zip != null) {
        String entry = entries.get(name);
        if (entry == null) {
          throw new DatasetFormatException(zip + ": frame " + name + " is not in the zip (referenced by "
              + json.getFileName() + " " + f.where() + ")");
        }
        return ZipFrames.uri(zip, entry);
      }
      Path p = dir.resolve(name);
      if (!Files.isRegularFile(p)) {
        throw new DatasetFormatException(p + ": frame file not found (referenced by " + json.getFileName()
            + " " + f.where() + ")");
      }
      return p.toString();
    }

    int[] size(VisorFrame f) throws DatasetFormatException {
      String file = file(f);
      if (zip == null) {
        return ReaderSupport.imageSize(Path.of(file));
      }
      try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(
          new java.io.ByteArrayInputStream(ZipFrames.read(file)))) {
        int[] hw = FrameHeader.size(in);
        if (hw != null) {
          return hw;
        }
      } catch (IOException e) {
        throw new DatasetFormatException(zip + ": frame " + f.frame() + ".jpg: cannot read image header: "
            + e.getMessage(), e);
      }
      throw new DatasetFormatException(zip + ": frame " + f.frame() + ".jpg: not a readable image (expected a JPEG)");
    }
  }
}
