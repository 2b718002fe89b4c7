package org.egotune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.egotune.mixer.mask.Mask;
import org.egotune.mixer.mask.Rle;
import org.egotune.mixer.mix.MixEntry;
import org.egotune.mixer.mix.MixSource;
import org.egotune.mixer.mix.RatioMixer;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.mix.ResolvedSource;
import org.egotune.mixer.mix.SourceResolver;
import org.egotune.trainer.config.JobConfig;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.mixer.record.Sample;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.FrameFiles;
import org.egotune.mixer.shard.ShardInfo;
import org.egotune.mixer.shard.ShardWriter;
import org.egotune.mixer.shard.ShardedDataset;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SyntheticDatasets;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.config.TrainConfig;
import org.egotune.trainer.data.BatchMaker;
import org.egotune.trainer.features.FeatureDtype;
import org.egotune.trainer.features.FeatureGeneration;
import org.egotune.trainer.features.FeatureIndex;
import org.egotune.trainer.features.FeatureStore;

/**
 * {@code egotune bench data}: the data path of one training worker on one thread, next to the
 * training step it feeds, measured in the same JVM. Each figure is the median (and min..max) of
 * {@code repeats} timed repeats after one untimed warm-up.
 */
final class DataBench {
  /** Sizes of the run. */
  record Options(int size, int frames, int egoVideos, int exoVideos, int positions, int repeats,
      int rleHeight, int rleWidth, long mixerPositions, ModelConfig model, FeatureDtype dtype) {}

  /** Median, min and max of the repeats. */
  record Stat(double median, double min, double max) {
    static Stat of(double[] xs) {
      double[] s = xs.clone();
      Arrays.sort(s);
      return new Stat(s[s.length / 2], s[0], s[s.length - 1]);
    }

    @Override
    public String toString() {
      return String.format("%.1f (%.1f..%.1f)", median, min, max);
    }
  }

  private DataBench() {}

  static void run(Options o, Path work, double trainSamplesPerSecond) throws IOException {
    Configuration conf = new Configuration();
    ModelConfig mc = o.model();
    TrainConfig tc = TrainConfig.defaults();
    Path ego = prepare(Layout.EGOMASK_TRAIN, o.egoVideos(), o, work, conf);
    Path exo = prepare(Layout.REF_YOUTUBE_VOS, o.exoVideos(), o, work, conf);
    FeatureStore features = null;
    String featureNote = "";
    if (mc.usesFeatures()) {
      // The feature presets read <shards>/features/<source>/ instead of decoding frames.
      long bytes = 0;
      long frames = 0;
      for (FeatureIndex i : FeatureGeneration.forShards(conf, work.resolve("shards").toUri().toString(), List.of(),
          mc, 1L, o.dtype(), true)) {
        frames += i.frames().size();
        bytes += i.shards().stream().mapToLong(FeatureIndex.Shard::bytes).sum();
      }
      features = new FeatureStore(conf, FeatureStore.rootOf(work.resolve("shards").toUri().toString()), mc, 8);
      featureNote = String.format(", %s features at %s (%,.0f bytes per frame with headers and [SEG] states)",
          mc.preset(), o.dtype().id(), bytes / (double) frames);
    }

    // RLE decode: compressed string (as the shards store it) -> row-major mask
    double[] rleMb = new double[o.repeats()];
    List<String> strings = rleInputs(o.rleHeight(), o.rleWidth());
    long pixels = (long) o.rleHeight() * o.rleWidth();
    decodeAll(strings, o, 3);
    for (int r = 0; r < o.repeats(); r++) {
      int rounds = 20;
      long t0 = System.nanoTime();
      decodeAll(strings, o, rounds);
      double s = (System.nanoTime() - t0) / 1e9;
      rleMb[r] = rounds * strings.size() * pixels / 1e6 / s;
    }

    // mixer positions/s
    // The quickstart's 80/20 mixture, resolved like a training job's (ego and exo share one root).
    List<MixSource> mix = ResolvedSource.mixSources(SourceResolver.resolve(conf,
        ego.getParent().toUri().toString(), JobConfig.defaults().data().mix()));
    double[] mixPerSec = new double[o.repeats()];
    walkMixer(mix, tc.seed(), Math.min(o.mixerPositions(), 100_000));
    for (int r = 0; r < o.repeats(); r++) {
      long t0 = System.nanoTime();
      walkMixer(mix, tc.seed(), o.mixerPositions());
      mixPerSec[r] = o.mixerPositions() / ((System.nanoTime() - t0) / 1e9);
    }

    // the worker's data path: mixer slice -> shard read (Parquet, checksum) -> JPEG decode,
    // RLE decode, clip sampling (T frames), resize -> Batch; datasets reopened every repeat so
    // that every shard is read from disk once per repeat
    BatchMaker batches = new BatchMaker(mc, tc.framesPerSample(), tc.seed(), features);
    double[] pathPerSec = new double[o.repeats()];
    dataPath(conf, ego, exo, mix, batches, tc, o.positions());
    for (int r = 0; r < o.repeats(); r++) {
      long t0 = System.nanoTime();
      dataPath(conf, ego, exo, mix, batches, tc, o.positions());
      pathPerSec[r] = o.positions() / ((System.nanoTime() - t0) / 1e9);
    }
    Stat rle = Stat.of(rleMb);
    Stat mixer = Stat.of(mixPerSec);
    Stat path = Stat.of(pathPerSec);
    System.out.printf("bench data: one thread, frames %dx%d, T=%d, model %s %dx%d, batch %d%s%n", o.size(), o.size(),
        tc.framesPerSample(), mc.preset(), mc.maskSize(), mc.maskSize(), tc.batchSize(), featureNote);
    System.out.printf("RLE decode (compressed string -> mask, %dx%d, ego 1.5%% / exo 15%% targets): %s MB/s"
        + " of decoded mask (1 byte per pixel)%n", o.rleHeight(), o.rleWidth(), rle);
    System.out.printf("mixer: %s million positions/s%n", new Stat(mixer.median() / 1e6, mixer.min() / 1e6,
        mixer.max() / 1e6));
    System.out.printf("data path (shard read + %s + RLE decode + clip sampling + resize): %s samples/s%n",
        mc.usesFeatures() ? "feature reads (" + o.dtype().id() + ")" : "JPEG decode", path);
    System.out.printf("training step of %s: %.1f samples/s (median, same run)%n", mc.preset(),
        trainSamplesPerSecond);
    System.out.printf("data path / training step: %.1fx (goal >= 5x)%n", path.median() / trainSamplesPerSecond);
  }

  private static void dataPath(Configuration conf, Path ego, Path exo, List<MixSource> mix,
      BatchMaker batches, TrainConfig tc, int positions) throws IOException {
    RatioMixer mixer = new RatioMixer(mix, tc.seed());
    try (ShardedDataset e = ShardedDataset.open(conf, new org.apache.hadoop.fs.Path(ego.toUri()), 64, true);
        ShardedDataset x = ShardedDataset.open(conf, new org.apache.hadoop.fs.Path(exo.toUri()), 64, true)) {
      int b = tc.batchSize();
      for (int p = 0; p + b <= positions; p += b) {
        List<MixEntry> entries = mixer.range(p, b);
        List<Sample> samples = new ArrayList<>(b);
        long[] pos = new long[b];
        for (int i = 0; i < b; i++) {
          MixEntry m = entries.get(i);
          samples.add((m.source() == 0 ? e : x).get(m.index()));
          pos[i] = m.position();
        }
        batches.make(samples, pos);
      }
    }
  }

  private static void walkMixer(List<MixSource> mix, long seed, long positions) {
    RatioMixer m = new RatioMixer(mix, seed);
    long sink = 0;
    for (long p = 0; p < positions; p += 4096) {
      for (MixEntry e : m.range(p, (int) Math.min(4096, positions - p))) {
        sink += e.index();
      }
    }
    if (sink == Long.MIN_VALUE) {
      throw new AssertionError(); // keeps the loop from being optimised away
    }
  }

  private static void decodeAll(List<String> strings, Options o, int rounds) {
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      for (String s : strings) {
        Mask m = Rle.fromCompressedString(o.rleHeight(), o.rleWidth(), s).decode();
        sink += m.height();
      }
    }
    if (sink == Long.MIN_VALUE) {
      throw new AssertionError();
    }
  }

  /** Elliptic targets covering about 1.5 % (ego) and 15 % (exo) of the frame, at a few places. */
  private static List<String> rleInputs(int h, int w) {
    List<String> out = new ArrayList<>();
    for (double share : new double[] {0.015, 0.15}) {
      for (int k = 0; k < 4; k++) {
        double cx = w * (0.3 + 0.1 * k);
        double cy = h * (0.35 + 0.08 * k);
        double ry = Math.sqrt(share * h * w / Math.PI / 1.5);
        double rx = 1.5 * ry;
        boolean[] px = new boolean[h * w];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double dx = (x - cx) / rx;
            double dy = (y - cy) / ry;
            px[y * w + x] = dx * dx + dy * dy <= 1;
          }
        }
        out.add(Rle.encode(new Mask(h, w, px)).toCompressedString());
      }
    }
    return out;
  }

  private static Path prepare(Layout layout, int videos, Options o, Path work, Configuration conf)
      throws IOException {
    Path raw = work.resolve("raw").resolve(layout.id());
    SyntheticDatasets.generate(new SynthConfig(layout, 5, videos, o.frames(), o.size(), o.size()), raw);
    List<ClipRecord> records = DatasetLayouts.get(layout.id()).read(raw).records();
    Path dir = work.resolve("shards").resolve(layout.id());
    Files.createDirectories(dir);
    org.apache.hadoop.fs.Path hdir = new org.apache.hadoop.fs.Path(dir.toUri());
    List<ShardInfo> shards = new ArrayList<>();
    int perShard = 16; // the quickstart's
    for (int i = 0, s = 0; i < records.size(); i += perShard, s++) {
      List<Sample> samples = new ArrayList<>();
      for (ClipRecord r : records.subList(i, Math.min(records.size(), i + perShard))) {
        samples.add(FrameFiles.toSample(conf, r));
      }
      shards.add(ShardWriter.writeShard(conf, hdir, s, samples.iterator()));
    }
    DatasetManifest.write(conf, hdir, DatasetManifest.of(layout.id(), shards), false);
    return dir;
  }
}
