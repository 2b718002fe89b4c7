package org.egotune.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a {@link JobConfig} from YAML or JSON: the file is laid over the defaults (so it names only
 * what differs), then {@code key.path=value} overrides from the command line are applied, then the
 * records validate. Unknown keys are errors that name the key and the file.
 */
public final class ConfigLoader {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Keys that were renamed, with what to write instead. */
  private static final Map<String, String> RENAMED = Map.of("checkpoint.everyRounds",
      "replaced by checkpoint.everySteps, counted in optimizer steps (everyRounds x spark.averagingEvery)"
          + " so that a resume with another averagingEvery keeps the cadence");

  private ConfigLoader() {}

  /** Defaults, then {@code file} (may be null), then {@code overrides} (dotted path to value). */
  public static JobConfig load(Path file, Map<String, Object> overrides) {
    ObjectNode tree = YAML.valueToTree(JobConfig.defaults());
    String where = "defaults";
    if (file != null) {
      where = file.toString();
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("config file " + file + " does not exist");
      }
      try {
        JsonNode fromFile = YAML.readTree(file.toFile());
        if (fromFile != null && !fromFile.isNull() && !fromFile.isMissingNode()) {
          if (!fromFile.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping at the top level");
          }
          merge(tree, (ObjectNode) fromFile, "", file.toString());
        }
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(file + ": not valid YAML/JSON: " + e.getOriginalMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read config file " + file, e);
      }
    }
    // Validate what the file says before the flags touch it, so an error names its real origin.
    JobConfig fromFile = convert(tree, where);
    boolean overridden = false;
    for (Map.Entry<String, Object> o : overrides.entrySet()) {
      if (o.getValue() != null) {
        set(tree, o.getKey(), YAML.valueToTree(o.getValue()));
        overridden = true;
      }
    }
    return overridden ? convert(tree, "command-line flags") : fromFile;
  }

  private static JobConfig convert(ObjectNode tree, String where) {
    try {
      return YAML.treeToValue(tree, JobConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException(where + ": unknown key '" + e.getPropertyName() + "' at "
          + path(e) + "; known keys: " + e.getKnownPropertyIds(), e);
    } catch (JsonProcessingException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      if (root instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException(where + ": " + iae.getMessage(), e);
      }
      throw new IllegalArgumentException(where + ": invalid config at " + path(e) + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The resolved config as YAML (for logs, checkpoints and {@code --print-config}). */
  public static String toYaml(JobConfig cfg) {
    try {
      return YAML.writeValueAsString(cfg);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The resolved config as a JSON tree. */
  public static JsonNode toTree(JobConfig cfg) {
    return new ObjectMapper().valueToTree(cfg);
  }

  private static void merge(ObjectNode base, ObjectNode over, String prefix, String file) {
    Iterator<Map.Entry<String, JsonNode>> it = over.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode existing = base.get(e.getKey());
      if (existing == null) {
        String renamed = RENAMED.get(key);
        throw new IllegalArgumentException(file + ": unknown key '" + key + "'"
            + (renamed != null ? ": " + renamed : "; known keys here: " + fieldNames(base)));
      }
      // data.mix replaces the whole mixture rather than merging source by source.
      if (existing.isObject() && e.getValue().isObject() && !key.equals("data.mix")) {
        merge((ObjectNode) existing, (ObjectNode) e.getValue(), key, file);
      } else {
        base.set(e.getKey(), e.getValue());
      }
    }
  }

  private static void set(ObjectNode tree, String dotted, JsonNode value) {
    String[] parts = dotted.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        throw new IllegalArgumentException("unknown config key '" + dotted + "'");
      }
      node = (ObjectNode) child;
    }
    if (!node.has(parts[parts.length - 1])) {
      throw new IllegalArgumentException("unknown config key '" + dotted + "'");
    }
    node.set(parts[parts.length - 1], value);
  }

  private static String fieldNames(ObjectNode n) {
    StringBuilder sb = new StringBuilder();
    n.fieldNames().forEachRemaining(f -> sb.append(sb.length() == 0 ? "" : ", ").append(f));
    return "[" + sb + "]";
  }

  private static String path(JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jme) {
      StringBuilder sb = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : jme.getPath()) {
        if (r.getFieldName() != null) {
          sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
        }
      }
      return sb.length() == 0 ? "<top>" : sb.toString();
    }
    return "<unknown>";
  }
}
