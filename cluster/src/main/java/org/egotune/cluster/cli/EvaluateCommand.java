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
import org.egotune.cluster.eval.CheckpointEvaluation;
import org.egotune.mixer.reader.EgoMaskBenchReader;
import org.egotune.mixer.record.ClipRecord;
import org.egotune.trainer.metrics.MetricTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune evaluate}: the EgoMask table of a checkpoint on an EgoMask-layout benchmark. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score a checkpoint on an EgoMask-layout benchmark and print the EgoMask table.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--benchmark", required = true, paramLabel = "DIR", description = "EgoMask benchmark root.")
  Path benchmark;

  @Option(names = "--split", defaultValue = "full", description = "short, medium, long or full (default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A checkpoint directory (step-NNNNNNNN) or a checkpoint root (its latest is used).")
  String checkpoint;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the metrics as JSON (splits.<split>.{J,F,J&F,...}).")
  Path json;

  @Override
  public Integer call() throws Exception {
    List<ClipRecord> records = EgoMaskBenchReader.read(benchmark, split);
    Map<String, MetricTable.Summary> table =
        CheckpointEvaluation.evaluate(new Configuration(), checkpoint, records);
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
