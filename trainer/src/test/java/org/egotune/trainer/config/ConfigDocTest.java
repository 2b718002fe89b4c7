package org.egotune.trainer.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key the job config has. */
class ConfigDocTest {
  @Test
  void everyConfigKeyIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    List<String> missing = new ArrayList<>();
    JsonNode tree = ConfigLoader.toTree(JobConfig.defaults());
    tree.fields().forEachRemaining(section -> section.getValue().fieldNames().forEachRemaining(k -> {
      String key = section.getKey() + "." + k;
      if (!doc.contains("`" + key + "`")) {
        missing.add(key);
      }
    }));
    assertTrue(missing.isEmpty(), "docs/configuration.md lacks " + missing);
  }
}
