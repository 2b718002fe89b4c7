package org.egotune.cluster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.eval.CheckpointEvaluation;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.reader.EgoMaskPredictions;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.trainer.eval.Evaluator;
import org.egotune.trainer.features.FeatureStore;
import org.egotune.trainer.metrics.MetricTable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code egotune evaluate}: the EgoMask table of a checkpoint, or of predictions another model wrote
 * in the layout EgoMask's own scorer reads (no frames needed then).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a checkpoint, or predictions in EgoMask's layout, on an EgoMask-layout benchmark.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--benchmark", required = true, paramLabel = "DIR", description = "EgoMask benchmark root.")
  Path benchmark;

  @Option(names = "--split", defaultValue = "full", description = "short, medium, long or full (default ${DEFAULT-VALUE}).")
  String split;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** What to score: exactly one of the two. */
  static final class Source {
    @Option(names = "--checkpoint", paramLabel = "DIR", description = "A checkpoint directory (step-NNNNNNNN) or a checkpoint root (its latest is used).")
    String checkpoint;

    @Option(names = "--predictions", paramLabel = "ROOT", description = "Predictions as ROOT/<split>/<video>/<exp_id>/<exp_id>-<obj_id>.json (frame -> COCO RLE).")
    Path predictions;
  }

  @Option(names = "--write-predictions", paramLabel = "ROOT", description = "With --checkpoint: also write its predictions in EgoMask's layout under ROOT.")
  Path writePredictions;

  @Option(names = "--features", paramLabel = "DIR", description = "For a SAM2-preset checkpoint: the benchmark's feature shards (DIR/<source>/index.json); default BENCHMARK/features.")
  Path features;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON: splits.<split>.{J, F, J&F, IoU_all, IoU_gold, IoU_gold_with_pred, T_precision, T_recall, T_f1, T_accuracy}.")
  Path json;

  @Override
  public Integer call() throws Exception {
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
}
