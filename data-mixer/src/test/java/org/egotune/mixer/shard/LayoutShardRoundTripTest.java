package org.egotune.mixer.shard;

import org.egotune.mixer.depth.DepthLabels;
import org.egotune.mixer.layout.DatasetLayouts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.mixer.reader.EgoMaskTrainReader;
import org.egotune.mixer.reader.MevisReader;
import org.egotune.mixer.reader.RefYoutubeVosReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every training layout survives generate -> read -> shards -> {@link ShardedDataset} unchanged:
 * the records read back equal the reader's, and the frame bytes equal the files on disk.
 */
class LayoutShardRoundTripTest {

  @TempDir java.nio.file.Path tmp;

  private static List<ClipRecord> read(Layout layout, java.nio.file.Path root)
      throws DatasetFormatException {
    return DatasetLayouts.get(layout.id()).read(root).records();
  }

  @ParameterizedTest
  @EnumSource(value = Layout.class, names = {"EGOMASK_TRAIN", "REF_YOUTUBE_VOS", "MEVIS", "REF_DAVIS", "DEPTH"})
  void recordsAndFramesSurviveSharding(Layout layout) throws IOException {
    java.nio.file.Path raw = tmp.resolve("raw");
    SyntheticDatasets.generate(new SynthConfig(layout, 3, 3, 4, 40, 40), raw);
    List<ClipRecord> records = read(layout, raw);
    Configuration conf = new Configuration();
    List<Sample> samples = new ArrayList<>();
    for (ClipRecord r : records) {
      samples.add(FrameFiles.toSample(conf, r));
    }
    Path dir = new Path(tmp.resolve("shards").toUri());
    int half = samples.size() / 2;
    List<ShardInfo> shards = new ArrayList<>();
    shards.add(ShardWriter.writeShard(conf, dir, 0, samples.subList(0, half).iterator()));
    shards.add(ShardWriter.writeShard(conf, dir, 1, samples.subList(half, samples.size()).iterator()));
    DatasetManifest.write(conf, dir, DatasetManifest.of(layout.id(), shards), false);

    try (ShardedDataset ds = ShardedDataset.open(conf, dir)) {
      assertEquals(records.size(), ds.size());
      for (int i = 0; i < records.size(); i++) {
        Sample s = ds.get(i);
        assertEquals(records.get(i), s.record(), layout.id() + " sample " + i);
        for (int f = 0; f < s.frames().size(); f++) {
          assertArrayEquals(
              Files.readAllBytes(java.nio.file.Path.of(records.get(i).frameFiles().get(f))),
              s.frames().get(f), layout.id() + " sample " + i + " frame " + f);
        }
        // depth labels ride along, as read and checked from their files (none for other layouts)
        assertEquals(layout == Layout.DEPTH ? s.frames().size() : 0, s.depths().size());
        for (int f = 0; f < s.depths().size(); f++) {
          String file = records.get(i).depthFiles().get(f);
          assertArrayEquals(DepthLabels.readNpy(file, Files.readAllBytes(java.nio.file.Path.of(file)),
              s.record().height(), s.record().width()), s.depths().get(f), file);
        }
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aShardHoldsSamplesWithDepthOrWithoutNeverBoth() throws IOException {
    java.nio.file.Path raw = tmp.resolve("raw");
    SyntheticDatasets.generate(new SynthConfig(Layout.DEPTH, 3, 1, 4, 32, 32), raw);
    ClipRecord r = read(Layout.DEPTH, raw).get(0);
    Configuration conf = new Configuration();
    Sample withDepth = FrameFiles.toSample(conf, r);
    ClipRecord plain = new ClipRecord(r.source(), r.video(), r.expId(), r.expression(), r.objIds(),
        r.frameNames(), r.frameFiles(), r.masks(), r.annotatedFrames(), r.height(), r.width());
    Sample without = new Sample(plain, withDepth.frames());
    Path dir = new Path(tmp.resolve("shards").toUri());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ShardWriter.writeShard(conf, dir, 0, List.of(withDepth, without).iterator()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("mixes samples with and without depth"),
        e.getMessage());
    org.junit.jupiter.api.Assertions.assertFalse(Files.exists(tmp.resolve("shards/part-00000.parquet")));
  }
}
