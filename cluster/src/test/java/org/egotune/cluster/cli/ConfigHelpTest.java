package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.egotune.config.Param;
import org.egotune.trainer.config.JobConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Option;

/** The help's config defaults, keys and flags come from the config schema and agree with it. */
class ConfigHelpTest {
  private static final Pattern REF = Pattern.compile("\\$\\{bundle:([\\w.]+)}");

  /** Key each option of {@code type} shows with {@code ${bundle:key}} -> the option's names. */
  private static Map<String, List<String>> referencedKeys(Class<?> type) {
    Map<String, List<String>> keys = new TreeMap<>();
    for (java.lang.reflect.Field f : type.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o != null) {
        Matcher m = REF.matcher(String.join(" ", o.description()));
        while (m.find()) {
          keys.put(m.group(1), List.of(o.names()));
        }
      }
    }
    return keys;
  }

  @Test
  void everyFlagOfTheSchemaIsTheJobOptionThatShowsItsKey() {
    Map<String, List<String>> shown = referencedKeys(JobOptions.class);
    List<String> wrong = new ArrayList<>();
    JobConfig.SECTIONS.stream().flatMap(s -> s.params().stream()).forEach(p -> {
      List<String> names = shown.remove(p.key());
      boolean jobFlag = p.flag().startsWith("--");
      String flagName = p.flag().split(" ")[0];
      if (jobFlag != (names != null) || (names != null && !names.contains(flagName))) {
        wrong.add(p.key() + ": schema flag '" + p.flag() + "', JobOptions " + names);
      }
    });
    assertTrue(wrong.isEmpty(), "schema flags and JobOptions disagree: " + wrong);
    assertTrue(shown.isEmpty(), "JobOptions shows keys the schema lacks: " + shown.keySet());
    assertEquals(List.of("--on-bad-sample"),
        referencedKeys(PrepareCommand.class).get("data.onBadSample"), "prepare's flag of data.onBadSample");
    assertEquals("prepare --on-bad-sample", JobConfig.param("data.onBadSample").flag());
    assertEquals(List.of("--dtype"), referencedKeys(GenerateFeaturesCommand.class).get("data.featureDtype"),
        "generate-features' flag of data.featureDtype");
    assertEquals("generate-features --dtype", JobConfig.param("data.featureDtype").flag());
  }

  @Test
  void helpShowsEachKeyWithTheSchemaDefault() {
    for (String command : List.of("train", "sweep", "audit", "quickstart", "prepare", "generate-features")) {
      EgoTuneCliTest.Run r = EgoTuneCliTest.run(command, "--help");
      assertEquals(0, r.code(), r.describe());
      String help = r.out().replaceAll("\\s+", ""); // picocli wraps lines anywhere
      assertFalse(help.contains("${") || help.contains("null"), "unresolved help text\n" + r.describe());
      Class<?> type = switch (command) {
        case "quickstart" -> QuickstartCommand.class;
        case "prepare" -> PrepareCommand.class;
        case "generate-features" -> GenerateFeaturesCommand.class;
        default -> JobOptions.class;
      };
      for (String key : referencedKeys(type).keySet()) {
        Param<?> p = JobConfig.param(key);
        String expected = "(" + key + "; default " + p.defaultText() + ")";
        assertTrue(help.contains(expected.replaceAll("\\s+", "")), command + " --help must show " + expected + "\n" + r.describe());
      }
    }
    assertTrue(EgoTuneCliTest.run("train", "--help").out().replaceAll("\\s+", "").contains("(train.steps;default300)"),
        "the documented default of --steps");
  }
}
