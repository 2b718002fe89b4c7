package org.egotune.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.egotune.config.Param;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's table of keys is the config schema's, row for row: key, default, valid
 * range, flag and meaning. On a difference the test fails and prints the table to paste; run it with
 * {@code -Degotune.writeDocs=true} to write the table into the page instead.
 */
class ConfigDocTest {
  static final Path DOC = Path.of("..", "docs", "configuration.md");
  static final String HEADER = "| key | default | valid | flag | meaning |\n|---|---|---|---|---|\n";

  /** The table as the schema declares it. */
  static String table() {
    return JobConfig.SECTIONS.stream().flatMap(s -> s.params().stream()).map(ConfigDocTest::row)
        .collect(Collectors.joining("", HEADER, ""));
  }

  private static String row(Param<?> p) {
    String d = p.defaultText();
    boolean plain = d.equals("empty") || p.defaultValue() instanceof Number || p.defaultValue() instanceof Boolean;
    return "| `" + p.key() + "` | " + (plain ? d : "`" + d + "`") + " | " + p.range().text() + " | "
        + (p.flag().isEmpty() ? "" : "`" + p.flag() + "`") + " | " + p.doc() + " |\n";
  }

  @Test
  void theKeyTableIsTheSchema() throws Exception {
    String expected = table();
    if (Boolean.getBoolean("egotune.writeDocs")) {
      String doc = Files.readString(DOC);
      Files.writeString(DOC, doc.substring(0, tableStart(doc)) + expected + doc.substring(tableEnd(doc)));
    }
    String doc = Files.readString(DOC);
    assertEquals(expected, doc.substring(tableStart(doc), tableEnd(doc)), DOC + " disagrees with the config schema; the table"
        + " should read (or run ConfigDocTest with -Degotune.writeDocs=true):\n" + expected);
  }

  private static int tableStart(String doc) {
    int start = doc.indexOf(HEADER);
    assertTrue(start >= 0, DOC + " lacks the table header " + HEADER);
    return start;
  }

  private static int tableEnd(String doc) {
    return doc.indexOf("\n\n", tableStart(doc)) + 1;
  }

  @Test
  void everyConfigKeyIsInTheSchema() {
    List<String> missing = new ArrayList<>();
    JsonNode tree = ConfigLoader.toTree(JobConfig.defaults());
    tree.fields().forEachRemaining(section -> section.getValue().fieldNames().forEachRemaining(k -> {
      String key = section.getKey() + "." + k;
      if (!table().contains("| `" + key + "` |")) {
        missing.add(key);
      }
    }));
    assertTrue(missing.isEmpty(), "the schema (and so the docs) lacks " + missing);
  }
}
