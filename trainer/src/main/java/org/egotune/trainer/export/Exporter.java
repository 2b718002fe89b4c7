package org.egotune.trainer.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.trainer.run.Version;
import org.egotune.model.ModelConfig;
import org.egotune.model.SegModel;
import org.egotune.model.params.ParamTable;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.egotune.trainer.metrics.MetricTable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports a checkpoint as a deliverable model: the network in DL4J's SameDiff format
 * ({@code model.fb}) and a JSON model card ({@code card.json}: config, base weights, data sources
 * with realised shares and sample counts, steps, metrics, version, commit, date). Refuses to
 * overwrite unless asked, writes into a temporary directory renamed into place, and reads the model
 * back to check its parameters before declaring success.
 */
public final class Exporter {
  private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Exporter() {}

  /** What an export writes. */
  public enum Format {
    /** {@code model.fb}: the network in DL4J's SameDiff format. */
    DL4J,
    /** {@code model.safetensors}: every tensor by export name (Sa2VA's keys for the SAM2 presets), float32. */
    SAFETENSORS,
    /** {@code card.json}: the model card. */
    CARD
  }

  /** Exports every format. */
  public static Path export(Configuration conf, Path checkpoint, Path out,
      Map<String, MetricTable.Summary> metrics, boolean overwrite) {
    return export(conf, checkpoint, out, metrics, overwrite, java.util.EnumSet.allOf(Format.class));
  }

  /** Exports {@code checkpoint} into {@code out}; {@code metrics} may be empty. Returns {@code out}. */
  public static Path export(Configuration conf, Path checkpoint, Path out,
      Map<String, MetricTable.Summary> metrics, boolean overwrite, java.util.Set<Format> formats) {
    Map<String, Map<String, ?>> json = new java.util.LinkedHashMap<>();
    metrics.forEach((split, sum) -> json.put(split, sum.toJson()));
    return exportWithMetrics(conf, checkpoint, out, json, overwrite, formats);
  }

  /**
   * As {@link #export}, with the card's metrics given as name to metric map (e.g. a depth
   * checkpoint's {@code DepthMetrics.Table.asMap()} per dataset).
   */
  public static Path exportWithMetrics(Configuration conf, Path checkpoint, Path out,
      Map<String, ? extends Map<String, ?>> metrics, boolean overwrite, java.util.Set<Format> formats) {
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("export: --format names no format");
    }
    try {
      FileSystem fs = out.getFileSystem(conf);
      if (fs.exists(out) && !overwrite) {
        throw new IllegalStateException(out + " already exists; pass --overwrite to replace it");
      }
      CheckpointStore store = new CheckpointStore(conf, checkpoint.getParent(), Integer.MAX_VALUE);
      CheckpointData c = store.load(checkpoint);
      JsonNode job = c.meta();
      ModelConfig mc = JSON.treeToValue(job.path("config").path("model"), ModelConfig.class);
      SegModel model = SegModel.withParams(mc, c.params());
      org.egotune.trainer.run.TrainingRun.restoreInitialBuffers(model, job);
      byte[] modelBytes = model.toModelFile();
      verify(modelBytes, model.params(), c.params());

      ObjectNode card = JSON.createObjectNode();
      card.put("name", "egotune-" + mc.preset());
      card.put("egotuneVersion", Version.get());
      card.put("gitCommit", Version.commit());
      card.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      card.put("checkpoint", checkpoint.toString());
      JsonNode base = job.path("initialWeights");
      card.put("baseWeights", base.isObject()
          ? base.path("file").asText() + " (sha256 " + base.path("sha256").asText() + ")"
          : "none: initialised from model.initSeed=" + mc.initSeed());
      card.put("steps", c.step());
      card.put("parameters", c.params().length);
      card.set("config", job.path("config"));
      ObjectNode data = card.putObject("data");
      JsonNode counts = job.path("realisedCounts");
      long total = 0;
      for (JsonNode v : counts) {
        total += v.asLong();
      }
      final long totalSamples = total;
      counts.fields().forEachRemaining(e -> {
        ObjectNode s = data.putObject(e.getKey());
        s.put("samples", e.getValue().asLong());
        s.put("targetShare", job.path("config").path("data").path("mix").path(e.getKey()).asDouble());
        s.put("realisedShare", totalSamples == 0 ? 0 : e.getValue().asDouble() / totalSamples);
      });
      // The run's last validation (train.evalEvery), as the checkpoint recorded it.
      if (job.path("lastValidation").isObject()) {
        card.set("validation", job.get("lastValidation"));
      }
      ObjectNode m = card.putObject("metrics");
      metrics.forEach((split, values) -> m.set(split, JSON.valueToTree(values)));

      Path tmp = new Path(out.getParent(), "_tmp." + out.getName() + "." + UUID.randomUUID());
      fs.mkdirs(tmp);
      if (formats.contains(Format.DL4J)) {
        CheckpointStore.write(fs, new Path(tmp, "model.fb"), modelBytes);
      }
      if (formats.contains(Format.SAFETENSORS)) {
        CheckpointStore.write(fs, new Path(tmp, "model.safetensors"), safetensors(model, c.step()));
      }
      if (formats.contains(Format.CARD)) {
        CheckpointStore.write(fs, new Path(tmp, "card.json"), JSON.writeValueAsBytes(card));
      }
      if (fs.exists(out)) {
        fs.delete(out, true);
      }
      if (!fs.rename(tmp, out)) {
        throw new IOException("rename " + tmp + " -> " + out + " failed");
      }
      if (formats.contains(Format.DL4J)) {
        try (InputStream in = fs.open(new Path(out, "model.fb"))) {
          verify(in.readAllBytes(), model.params(), c.params());
        }
      }
      if (formats.contains(Format.SAFETENSORS)) {
        try (InputStream in = fs.open(new Path(out, "model.safetensors"))) {
          verifySafetensors(in.readAllBytes(), model.params(), c.params());
        }
      }
      LOG.info("exported {} ({} parameters) to {}", checkpoint, c.params().length, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("export of " + checkpoint + " to " + out + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The network by export name in a safetensors file's bytes: Sa2VA's state-dict keys for the SAM2
   * presets (parameters, the positional-encoding buffer, conv_s0/conv_s1), see SegModel#stateDict.
   */
  private static byte[] safetensors(SegModel model, int step) throws IOException {
    java.nio.file.Path local = java.nio.file.Files.createTempFile("egotune-export", ".safetensors");
    try {
      model.saveSafetensors(local, Map.of("egotune.step", String.valueOf(step), "egotune.version", Version.get()));
      return java.nio.file.Files.readAllBytes(local);
    } finally {
      java.nio.file.Files.deleteIfExists(local);
    }
  }

  private static void verifySafetensors(byte[] bytes, ParamTable table, float[] expected) throws IOException {
    java.nio.file.Path local = java.nio.file.Files.createTempFile("egotune-verify", ".safetensors");
    try {
      java.nio.file.Files.write(local, bytes);
      Map<String, org.nd4j.linalg.api.ndarray.INDArray> t = org.egotune.model.io.Safetensors.read(local).tensors();
      for (ParamTable.Entry e : table.entries()) {
        org.nd4j.linalg.api.ndarray.INDArray a = t.get(e.name());
        if (a == null || !Arrays.equals(a.shape(), e.shape())) {
          throw new IllegalStateException("exported model.safetensors lacks " + e.name() + " with shape "
              + Arrays.toString(e.shape()));
        }
        float[] got = a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).data().asFloat();
        float[] want = Arrays.copyOfRange(expected, (int) e.offset(), (int) (e.offset() + e.length()));
        if (!Arrays.equals(got, want)) {
          throw new IllegalStateException("exported model.safetensors: " + e.name() + " does not read back equal");
        }
      }
    } finally {
      java.nio.file.Files.deleteIfExists(local);
    }
  }

  private static void verify(byte[] modelBytes, ParamTable table, float[] expected) {
    SameDiff back = SameDiff.load(new ByteArrayInputStream(modelBytes), false);
    float[] got = table.flatten(back);
    if (!Arrays.equals(got, expected)) {
      throw new IllegalStateException("exported model does not read back with the checkpoint's parameters");
    }
  }
}
