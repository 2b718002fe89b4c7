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
    description = "Export a checkpoint: model.fb (DL4J SameDiff format), model.safetensors and card.json, each read back and checked.")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A checkpoint directory or checkpoint root (its latest is used).")
  String checkpoint;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Export directory (any Hadoop URI).")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing export directory.")
  boolean overwrite;

  @Option(names = "--format", split = ",", paramLabel = "F[,F...]",
      description = "What to write: dl4j (model.fb), safetensors (model.safetensors), card (card.json); default all.")
  java.util.List<String> format;

  @Override
  public Integer call() {
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
    Path dir = Exporter.export(conf, ckpt, new Path(out), Map.of(), overwrite, formats);
    System.out.println("exported " + ckpt + " -> " + dir);
    return 0;
  }
}
