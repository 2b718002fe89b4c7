package org.egotune.mixer.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.ZipFrames;
import org.egotune.mixer.shard.FrameFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate --layout visor, then the visor reader: counts, areas, flags and frames as planted. */
class VisorSynthTest {

  private static final int VIDEOS = 4;
  private static final int FRAMES = 9;
  private static final int H = 48;
  private static final int W = 64;

  @Test
  void readerFindsEveryPlantedObjectWithItsClosedFormArea(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("visor");
    SynthSummary s = SyntheticDatasets.generate(
        new SynthConfig(Layout.VISOR, 3, VIDEOS, FRAMES, H, W, List.of("train", "val-dense")), root);
    assertEquals(2 * VIDEOS, s.videos());
    for (String split : List.of("train", "val-dense")) {
      boolean dense = split.endsWith("-dense");
      long seed = new SynthConfig(Layout.VISOR, 3, VIDEOS, FRAMES, H, W, List.of("train", "val-dense"))
          .forSplit(split).seed();
      List<ClipRecord> records = DatasetLayouts.get("visor").read(root, split, null, null).records();
      // 2 clips (subsequences / interpolations) per video, 5 entities per clip
      assertEquals(VIDEOS * 2 * 5, records.size(), split);
      int zipped = 0;
      for (ClipRecord r : records) {
        String video = r.video().substring(0, 7);
        int i = Integer.parseInt(video.substring(4)) - 101;
        assertEquals(VisorSynth.videoName(i), video);
        int clip = r.video().endsWith("1") ? 0 : 1;
        int n = clip == 0 ? FRAMES / 2 : FRAMES - FRAMES / 2;
        assertEquals(n, r.frameNames().size(), r.video());
        assertEquals(r.expression(), r.objIds().get(0));
        assertEquals(H, r.height());
        assertEquals(W, r.width());
        Map<String, String> flags = new HashMap<>();
        for (int t = 0; t < n; t++) {
          int global = clip * (FRAMES / 2) + t;
          assertEquals(String.format("%s_frame_%010d", video, VisorSynth.frameNumber(global, dense)),
              r.frameNames().get(t));
          VisorSynth.Annotation a = null;
          for (VisorSynth.Annotation x : VisorSynth.annotations(H, W, seed, i, t, n)) {
            if (x.name().equals(r.expression())) {
              a = x;
            }
          }
          Rle m = r.masks().get(t);
          if (a == null) {
            assertNull(m, r.video() + " " + r.expression() + " frame " + t + " should be absent");
            continue;
          }
          assertNotNull(m, r.video() + " " + r.expression() + " frame " + t);
          assertEquals(VisorSynth.expectedArea(a), m.area(), r.video() + " " + r.expression() + " frame " + t);
          flags.put(r.frameNames().get(t), a.exhaustive());
        }
        assertEquals(flags, r.exhaustive(), r.video() + " " + r.expression());
        assertEquals(java.util.Set.copyOf(r.frameNames()), r.annotatedFrames());
        byte[] first = FrameFiles.read(new Configuration(), r.frameFiles().get(0));
        FrameFiles.requireFrame(r.frameFiles().get(0), first, H, W);
        zipped += ZipFrames.isZipEntry(r.frameFiles().get(0)) ? 1 : 0;
      }
      assertEquals(VIDEOS / 2 * 2 * 5, zipped, "even videos are zipped");
    }
    // the knife leaves and comes back, the edge cases are all there
    List<ClipRecord> train = DatasetLayouts.get("visor").read(root).records();
    assertTrue(train.stream().anyMatch(r -> r.expression().equals("knife") && r.masks().contains(null)));
    for (String edge : VisorSynth.EDGE_NAMES) {
      assertTrue(train.stream().anyMatch(r -> r.expression().equals(edge)), edge);
    }
    assertTrue(train.stream().anyMatch(r -> r.exhaustive().containsValue("n")));
    try (Stream<Path> zips = Files.walk(root).filter(p -> p.toString().endsWith(".zip"))) {
      assertEquals(VIDEOS, zips.count(), "one zip per even video per split");
    }
  }
}
