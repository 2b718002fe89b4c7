package org.egotune.cluster.cli;

import java.util.List;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.eval.DepthEvaluation;
import org.egotune.trainer.metrics.DepthMetrics;
import org.egotune.trainer.metrics.MetricTable;

import org.egotune.trainer.run.Version;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.trainer.export.Exporter;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code egotune export}: a checkpoint as a DL4J model file, safetensors by export name (Sa2VA's keys
 * for the SAM2 presets) and a JSON model card; or a preset's freshly initialised weights.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a checkpoint: model.fb (DL4J SameDiff format), model.safetensors (Sa2VA names for the SAM2 presets)"
        + " and card.json, each read back and checked; or, with --preset, a preset's initial weights as one safetensors file.")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", paramLabel = "DIR", description = "A checkpoint directory or checkpoint root (its latest is used).")
  String checkpoint;

  @Option(names = "--preset", paramLabel = "NAME", description = "Instead of a checkpoint: a preset's freshly initialised weights (see 'egotune models').")
  String preset;

  @Option(names = "--seed", defaultValue = "7", description = "With --preset: initialisation seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR|FILE", description = "Export directory (any Hadoop URI); with --preset the safetensors file.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing export directory.")
  boolean overwrite;

  @Option(names = "--benchmark", paramLabel = "DIR",
      description = "Also score the checkpoint on this EgoMask-layout benchmark (a depth checkpoint: on this prepared depth"
          + " dataset or shards root, as 'evaluate --kind depth') and put the table in card.json.")
  java.nio.file.Path benchmark;

  @Option(names = "--split", defaultValue = "full",
      description = "With --benchmark: short, medium, long or full (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--features", paramLabel = "DIR",
      description = "With --benchmark, for a SAM2-preset checkpoint: the benchmark's feature shards; default BENCHMARK/features.")
  java.nio.file.Path features;

  @Option(names = "--format", split = ",", paramLabel = "F[,F...]",
      description = "What to write: dl4j (model.fb), safetensors (model.safetensors), card (card.json); default all.")
  java.util.List<String> format;

  @Override
  public Integer call() throws java.io.IOException {
    if ((checkpoint == null) == (preset == null)) {
      throw new IllegalArgumentException("export: give exactly one of --checkpoint DIR and --preset NAME");
    }
    if (preset != null) {
      return exportPreset();
    }
    Configuration conf = new Configuration();
    Path ckpt = CheckpointEvaluation.resolve(conf, checkpoint);
    java.util.Set<Exporter.Format> formats = java.util.EnumSet.allOf(Exporter.Format.class);
    if (format != null) {
      formats = java.util.EnumSet.noneOf(Exporter.Format.class);
      for (String f : format) {
        try {
          formats.add(Exporter.Format.valueOf(f.trim().toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--format: unknown format '" + f + "', expected dl4j, safetensors or card");
        }
      }
    }
    if (CheckpointEvaluation.modelConfig(conf, ckpt.toString()).predictsDepth()) {
      return exportDepth(conf, ckpt, formats);
    }
    Map<String, MetricTable.Summary> metrics = Map.of();
    if (benchmark != null) {
      List<ClipRecord> records = EgoMaskBenchReader.read(benchmark, split);
      String featureRoot = features != null ? features.toString()
          : FeatureStore.rootOf(benchmark.toString()).toString();
      metrics = CheckpointEvaluation.evaluate(conf, ckpt.toString(), records, null, featureRoot);
      System.out.print(MetricTable.toMarkdown(metrics));
    } else if (split != null && !split.equals("full") || features != null) {
      throw new IllegalArgumentException("export: --split and --features need --benchmark DIR");
    }
    Path dir = Exporter.export(conf, ckpt, new Path(out), metrics, overwrite, formats);
    System.out.println("exported " + ckpt + " -> " + dir);
    return 0;
  }

  /** A depth checkpoint: its card's metrics are the depth metrics on a prepared depth dataset. */
  private int exportDepth(Configuration conf, Path ckpt, java.util.Set<Exporter.Format> formats) {
    Map<String, Map<String, Double>> metrics = Map.of();
    if (benchmark != null) {
      if (!split.equals("full")) {
        throw new IllegalArgumentException("export: --split does not apply to a depth checkpoint");
      }
      List<Path> datasets = DepthEvaluation.datasets(conf, benchmark.toString());
      Path featureRoot = features != null ? new Path(features.toString()) : DepthEvaluation.defaultFeatures(datasets);
      Map<String, DepthMetrics.Table> tables = CheckpointEvaluation.evaluateDepth(conf, ckpt.toString(), datasets,
          featureRoot);
      System.out.print(DepthEvaluation.toMarkdown(tables));
      metrics = DepthEvaluation.asMaps(tables);
    } else if (!split.equals("full") || features != null) {
      throw new IllegalArgumentException("export: --split and --features need --benchmark DIR");
    }
    Path dir = Exporter.exportWithMetrics(conf, ckpt, new Path(out), metrics, overwrite, formats);
    System.out.println("exported " + ckpt + " -> " + dir);
    return 0;
  }

  private int exportPreset() throws java.io.IOException {
    if (format != null && !format.stream().map(String::trim).allMatch("safetensors"::equalsIgnoreCase)) {
      throw new IllegalArgumentException("export --preset writes --format safetensors only, found " + format);
    }
    java.nio.file.Path file = java.nio.file.Path.of(out);
    if (java.nio.file.Files.exists(file) && !overwrite) {
      throw new IllegalStateException(file + " already exists; pass --overwrite to replace it");
    }
    SegModel m = SegModel.build(ModelConfig.preset(preset, seed));
    java.nio.file.Path tmp = file.toAbsolutePath().resolveSibling("_tmp." + file.getFileName());
    m.saveSafetensors(tmp, Map.of("egotune.seed", String.valueOf(seed), "egotune.version", Version.get()));
    java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    int n = org.egotune.model.io.Safetensors.read(file).tensors().size();
    if (n != m.stateDict().size()) {
      throw new IllegalStateException(file + " reads back with " + n + " tensors, expected " + m.stateDict().size());
    }
    System.out.printf("exported preset %s (seed %d): %d tensors, %,d trainable parameters -> %s%n", preset, seed, n,
        m.params().size(), file);
    return 0;
  }
}
