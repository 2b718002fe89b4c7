package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.features.FeatureDtype;
import org.egotune.trainer.features.FeatureGeneration;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.model.ModelConfig;
import org.egotune.trainer.features.FeatureIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code egotune generate-features}: synthetic feature shards for the SAM2 and depth presets, for
 * prepared datasets and (SAM2) for a benchmark (the format and how to bring real features:
 * docs/models.md).
 */
@Command(name = "generate-features", mixinStandardHelpOptions = true,
    description = "Write synthetic feature shards (a fixed random projection of the frames and expressions) for a SAM2 or"
        + " depth preset: --data DIR writes DIR/features/<source>/, --benchmark DIR writes DIR/features/egomask-bench/<split>/"
        + " (SAM2 presets; a depth preset's validation data is a prepared depth split under --data).")
final class GenerateFeaturesCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "DIR", description = "Prepared shards root (as 'prepare --out' wrote it).")
  String data;

  @Option(names = "--sources", split = ",", paramLabel = "S[,S...]", description = "With --data: only these sources (default: every prepared one).")
  List<String> sources;

  @Option(names = "--benchmark", paramLabel = "DIR", description = "EgoMask-layout benchmark root.")
  Path benchmark;

  @Option(names = "--preset", defaultValue = ModelConfig.SAM2_SMALL, description = "sam2-decoder-small, sam2-decoder, egodtm-depth-small or egodtm-depth (default ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the projections (default ${DEFAULT-VALUE}); use the same one for data and benchmark.")
  long seed;

  @Option(names = "--overwrite", description = "Replace feature shards already there.")
  boolean overwrite;

  @Option(names = "--dtype", paramLabel = "f32|bf16|f16",
      description = "Element type of the shards: f32, or bf16 / f16 at half the bytes (${bundle:data.featureDtype}).")
  String dtype;

  @Option(names = "--export-records", paramLabel = "DIR",
      description = "Instead of generating: write DIR/<source>/records.jsonl and the frames, the input of"
          + " python/egotune_features/sa2va.py (real Sa2VA features; docs/models.md).")
  Path exportRecords;

  @Option(names = "--config", paramLabel = "FILE", description = "Job config (YAML or JSON) whose data.featureDtype applies; the flag wins.")
  Path config;

  @Override
  public Integer call() {
    if (data == null && benchmark == null) {
      throw new IllegalArgumentException("generate-features: give --data DIR, --benchmark DIR or both");
    }
    if (exportRecords != null) {
      Configuration conf = new Configuration();
      if (data != null) {
        FeatureGeneration.exportRecords(conf, data, sources == null ? List.of() : sources, null, exportRecords)
            .forEach(f -> System.out.printf("records %s%n", f));
      }
      if (benchmark != null) {
        FeatureGeneration.exportRecords(conf, null, List.of(), benchmark, exportRecords)
            .forEach(f -> System.out.printf("records %s%n", f));
      }
      return 0;
    }
    ModelConfig model = ModelConfig.preset(preset, 7L);
    if (!model.usesFeatures()) {
      throw new IllegalArgumentException("--preset " + preset + " reads frames; feature shards are for "
          + ModelConfig.SAM2_SMALL + ", " + ModelConfig.SAM2_FULL + ", " + ModelConfig.DEPTH_SMALL + " and "
          + ModelConfig.DEPTH_FULL);
    }
    if (model.predictsDepth() && benchmark != null) {
      throw new IllegalArgumentException("--benchmark is an EgoMask-layout benchmark, which --preset " + preset
          + " cannot score; prepare a depth split (e.g. 'generate --layout depth --split valid') and pass its"
          + " shards root as --data");
    }
    Map<String, Object> o = new HashMap<>();
    o.put("data.featureDtype", dtype);
    FeatureDtype d = FeatureDtype.parse(ConfigLoader.load(config, o).data().featureDtype(), "data.featureDtype");
    Configuration conf = new Configuration();
    if (data != null) {
      for (FeatureIndex i : FeatureGeneration.forShards(conf, data, sources == null ? List.of() : sources,
          model, seed, d, overwrite)) {
        print(i);
      }
    }
    if (benchmark != null) {
      for (FeatureIndex i : FeatureGeneration.forBenchmark(conf, benchmark,
          FeatureStore.rootOf(benchmark.toString()), model, seed, d, overwrite)) {
        print(i);
      }
    }
    return 0;
  }

  private static void print(FeatureIndex i) {
    System.out.printf("features %s (%s, %s): %d frames, %d expressions in %d shards%n", i.source(), i.preset(),
        i.dtype(), i.frames().size(), i.expressions().size(), i.shards().size());
  }
}
