package org.egotune.cluster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.reader.EgoMaskPredictions;
import org.egotune.mixer.reader.NvosBenchmarkFile;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.trainer.eval.DepthEvaluation;
import org.egotune.trainer.eval.Evaluator;
import org.egotune.trainer.eval.NvosEvaluation;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.DepthMetrics;
import org.egotune.trainer.metrics.MetricTable;
import org.egotune.trainer.metrics.NvosTable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code egotune evaluate}: the EgoMask table of a checkpoint, or of predictions another model wrote
 * in the layout EgoMask's own scorer reads (no frames needed then); with {@code --kind nvos}, the NVOS
 * table of predictions in the NVOS layout against a benchmark JSON; with {@code --kind depth}, the
 * depth metrics of a depth-preset checkpoint on a prepared depth dataset.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a checkpoint, or predictions in EgoMask's layout, on an EgoMask-layout benchmark;"
        + " or (--kind nvos) NVOS predictions against an NVOS benchmark JSON;"
        + " or (--kind depth) a depth-preset checkpoint on a prepared depth dataset.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--benchmark", required = true, paramLabel = "DIR", description = "EgoMask benchmark root;"
      + " with --kind nvos an NVOS benchmark JSON file; with --kind depth a prepared depth dataset (SHARDS/<source>)"
      + " or a shards root holding such datasets (docs/evaluation.md).")
  Path benchmark;

  @Option(names = "--kind", defaultValue = "egomask", paramLabel = "KIND", description = "egomask (default), nvos or depth.")
  String kind;

  @Option(names = "--split", defaultValue = "full", description = "short, medium, long or full (default ${DEFAULT-VALUE});"
      + " with --kind nvos: the narrations' split, full = all.")
  String split;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** What to score: exactly one of the two. */
  static final class Source {
    @Option(names = "--checkpoint", paramLabel = "DIR", description = "A checkpoint directory (step-NNNNNNNN) or a checkpoint root (its latest is used).")
    String checkpoint;

    @Option(names = "--predictions", paramLabel = "ROOT", description = "Predictions as ROOT/<split>/<video>/<exp_id>/<exp_id>-<obj_id>.json"
        + " (frame -> COCO RLE); with --kind nvos ROOT/<split>/<video>/<narration>/<narration>-<object>.json.")
    Path predictions;
  }

  @Option(names = "--write-predictions", paramLabel = "ROOT", description = "With --checkpoint: also write its predictions in EgoMask's layout under ROOT.")
  Path writePredictions;

  @Option(names = "--features", paramLabel = "DIR", description = "For a SAM2- or depth-preset checkpoint: the benchmark's feature shards (DIR/<source>/index.json);"
      + " default BENCHMARK/features (--kind depth: the shards root's features/).")
  Path features;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON: splits.<split>.{J, F, J&F, IoU_all, IoU_gold, IoU_gold_with_pred, T_precision, T_recall, T_f1, T_accuracy};"
      + " with --kind nvos: overall, by_exhaustive.<flag>.{objects, frames, J&F, J, F, J_union, J_ins}, counts, per_object;"
      + " with --kind depth: datasets.<source>.{scale_aware.*, scale_invariant.* (delta1, delta2, delta3, rmse, abs_rel),"
      + " images, empty_images}.")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (kind.equals("nvos")) {
      return nvos();
    }
    if (kind.equals("depth")) {
      return depth();
    }
    if (!kind.equals("egomask")) {
      throw new IllegalArgumentException("--kind must be egomask, nvos or depth, found '" + kind + "'");
    }
    Map<String, MetricTable.Summary> table;
    if (source.predictions != null) {
      if (writePredictions != null) {
        throw new IllegalArgumentException("--write-predictions needs --checkpoint, not --predictions");
      }
      if (!Files.isDirectory(source.predictions)) {
        throw new IllegalArgumentException("--predictions " + source.predictions + " is not a directory");
      }
      List<ClipRecord> records = EgoMaskBenchReader.readAnnotations(benchmark, split);
      table = Evaluator.score(records, r -> EgoMaskPredictions.read(source.predictions, r));
    } else {
      List<ClipRecord> records = EgoMaskBenchReader.read(benchmark, split);
      String featureRoot = features != null ? features.toString()
          : FeatureStore.rootOf(benchmark.toString()).toString();
      table = CheckpointEvaluation.evaluate(new Configuration(), source.checkpoint, records, writePredictions,
          featureRoot);
      if (writePredictions != null) {
        System.out.println("predictions written under " + writePredictions.toAbsolutePath());
      }
    }
    System.out.print(MetricTable.toMarkdown(table));
    if (json != null) {
      ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = om.createObjectNode();
      Map<String, Object> splits = new LinkedHashMap<>();
      table.forEach((k, v) -> splits.put(k, v.toJson()));
      root.set("splits", om.valueToTree(splits));
      Files.write(json, om.writeValueAsBytes(root));
      System.out.println("metrics written to " + json.toAbsolutePath());
    }
    return 0;
  }

  /** {@code --kind depth}: a depth-preset checkpoint on prepared depth data and its feature shards. */
  private int depth() throws Exception {
    if (source.checkpoint == null) {
      throw new IllegalArgumentException("--kind depth scores --checkpoint only (no depth prediction files exist)");
    }
    if (writePredictions != null) {
      throw new IllegalArgumentException("--write-predictions is for --kind egomask");
    }
    Configuration conf = new Configuration();
    List<org.apache.hadoop.fs.Path> datasets = DepthEvaluation.datasets(conf, benchmark.toString());
    org.apache.hadoop.fs.Path featureRoot = features != null ? new org.apache.hadoop.fs.Path(features.toString())
        : DepthEvaluation.defaultFeatures(datasets);
    Map<String, DepthMetrics.Table> tables =
        CheckpointEvaluation.evaluateDepth(conf, source.checkpoint, datasets, featureRoot);
    System.out.print(DepthEvaluation.toMarkdown(tables));
    System.out.println("SA = scale-aware, SI = scale-invariant (least-squares scale and shift per image); mean per image"
        + " at the preset's output grid, on normalised inverse depth (docs/evaluation.md)");
    if (json != null) {
      ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = om.createObjectNode();
      root.put("kind", "depth");
      root.put("checkpoint", CheckpointEvaluation.resolve(conf, source.checkpoint).toString());
      root.put("benchmark", benchmark.toString());
      root.set("datasets", om.valueToTree(DepthEvaluation.asMaps(tables)));
      Files.write(json, om.writeValueAsBytes(root));
      System.out.println("metrics written to " + json.toAbsolutePath());
    }
    return 0;
  }

  /** {@code --kind nvos}: predictions files against a benchmark JSON (a VISOR-NVOS reader comes later). */
  private int nvos() throws Exception {
    if (source.checkpoint != null) {
      throw new IllegalArgumentException("--kind nvos scores --predictions only: predicting from a checkpoint"
          + " needs the clips' frames, which an NVOS benchmark JSON does not have");
    }
    if (writePredictions != null || features != null) {
      throw new IllegalArgumentException("--write-predictions and --features need --checkpoint, not --kind nvos");
    }
    if (!Files.isRegularFile(benchmark)) {
      throw new IllegalArgumentException("--kind nvos --benchmark " + benchmark + " is not a file (expected an"
          + " NVOS benchmark JSON, see docs/evaluation.md)");
    }
    if (!Files.isDirectory(source.predictions)) {
      throw new IllegalArgumentException("--predictions " + source.predictions + " is not a directory");
    }
    List<NvosEvaluation.Clip> clips = new ArrayList<>();
    Set<String> splits = new TreeSet<>();
    for (NvosEvaluation.Clip c : NvosEvaluation.clips(NvosBenchmarkFile.read(benchmark))) {
      splits.add(c.split());
      if (split.equals("full") || split.equals(c.split())) {
        clips.add(c);
      }
    }
    if (clips.isEmpty()) {
      throw new IllegalArgumentException("--split " + split + ": no narration of " + benchmark + " has that split"
          + " (splits present: " + splits + "; full = all)");
    }
    NvosTable.Summary summary = NvosEvaluation.score(clips, source.predictions);
    System.out.print(summary.toMarkdown());
    System.out.println(summary.narrations() + " narrations (" + summary.skippedNarrations() + " without an annotated"
        + " frame, skipped), " + summary.objects() + " objects scored (" + summary.objectsNeverPresent()
        + " never present), " + summary.ignoredPredictionFrames() + " predicted masks on unannotated frames ignored");
    if (json != null) {
      summary.writeJson(json);
      System.out.println("metrics written to " + json.toAbsolutePath());
    }
    return 0;
  }
}
