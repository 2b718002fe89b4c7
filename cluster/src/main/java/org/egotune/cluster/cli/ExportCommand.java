package org.egotune.cluster.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.egotune.cluster.eval.CheckpointEvaluation;
import org.egotune.cluster.export.Exporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune export}: a checkpoint as a DL4J model file plus a JSON model card. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a checkpoint: model.fb (DL4J SameDiff format) and card.json.")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A checkpoint directory or checkpoint root (its latest is used).")
  String checkpoint;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Export directory (any Hadoop URI).")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing export directory.")
  boolean overwrite;

  @Override
  public Integer call() {
    Configuration conf = new Configuration();
    Path ckpt = CheckpointEvaluation.resolve(conf, checkpoint);
    Path dir = Exporter.export(conf, ckpt, new Path(out), Map.of(), overwrite);
    System.out.println("exported " + ckpt + " -> " + dir);
    return 0;
  }
}
