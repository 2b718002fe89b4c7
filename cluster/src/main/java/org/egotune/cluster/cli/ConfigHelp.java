package org.egotune.cluster.cli;

import java.util.ListResourceBundle;
import org.egotune.trainer.config.JobConfig;

/**
 * The config schema as help text: for each key, {@code "train.steps; default 300"}, which an option
 * description shows with {@code ${bundle:train.steps}}. Help only: picocli assigns nothing from it,
 * so a flag left out keeps the config file's value.
 */
final class ConfigHelp extends ListResourceBundle {
  @Override
  protected Object[][] getContents() {
    return JobConfig.SECTIONS.stream().flatMap(s -> s.params().stream())
        .map(p -> new Object[] {p.key(), p.key() + "; default " + p.defaultText()})
        .toArray(Object[][]::new);
  }
}
