package org.egotune.cluster.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.egotune.cluster.cli.Version;
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

  /** Exports {@code checkpoint} into {@code out}; {@code metrics} may be empty. Returns {@code out}. */
  public static Path export(Configuration conf, Path checkpoint, Path out,
      Map<String, MetricTable.Summary> metrics, boolean overwrite) {
    try {
      FileSystem fs = out.getFileSystem(conf);
      if (fs.exists(out) && !overwrite) {
        throw new IllegalStateException(out + " already exists; pass --overwrite to replace it");
      }
      CheckpointStore store = new CheckpointStore(conf, checkpoint.getParent(), Integer.MAX_VALUE);
      CheckpointData c = store.load(checkpoint);
      JsonNode job = c.meta();
      ModelConfig mc = JSON.treeToValue(job.path("config").path("model"), ModelConfig.class);
      SegModel model = SegModel.build(mc);
      model.params().assign(model.sameDiff(), c.params());
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      model.sameDiff().save(bos, false);
      byte[] modelBytes = bos.toByteArray();
      verify(modelBytes, model.params(), c.params());

      ObjectNode card = JSON.createObjectNode();
      card.put("name", "egotune-" + mc.preset());
      card.put("egotuneVersion", Version.get());
      card.put("gitCommit", Version.commit());
      card.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      card.put("checkpoint", checkpoint.toString());
      card.put("baseWeights", "none: initialised from model.initSeed=" + mc.initSeed());
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
      ObjectNode m = card.putObject("metrics");
      metrics.forEach((split, sum) -> m.set(split, JSON.valueToTree(sum.toJson())));

      Path tmp = new Path(out.getParent(), "_tmp." + out.getName() + "." + UUID.randomUUID());
      fs.mkdirs(tmp);
      write(fs, new Path(tmp, "model.fb"), modelBytes);
      write(fs, new Path(tmp, "card.json"), JSON.writeValueAsBytes(card));
      if (fs.exists(out)) {
        fs.delete(out, true);
      }
      if (!fs.rename(tmp, out)) {
        throw new IOException("rename " + tmp + " -> " + out + " failed");
      }
      try (InputStream in = fs.open(new Path(out, "model.fb"))) {
        verify(in.readAllBytes(), model.params(), c.params());
      }
      LOG.info("exported {} ({} parameters) to {}", checkpoint, c.params().length, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("export of " + checkpoint + " to " + out + " failed: " + e.getMessage(), e);
    }
  }

  private static void verify(byte[] modelBytes, ParamTable table, float[] expected) {
    SameDiff back = SameDiff.load(new ByteArrayInputStream(modelBytes), false);
    float[] got = table.flatten(back);
    if (!Arrays.equals(got, expected)) {
      throw new IllegalStateException("exported model does not read back with the checkpoint's parameters");
    }
  }

  private static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (FSDataOutputStream o = fs.create(p, false)) {
      o.write(bytes);
      o.hsync();
    }
  }
}
