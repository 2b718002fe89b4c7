package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.egotune.mixer.layout.DatasetLayout;
import org.egotune.mixer.layout.DatasetLayouts;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SynthSummary;
import org.egotune.mixer.synth.SyntheticDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune generate}: writes a synthetic dataset in a native layout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a synthetic dataset in a native layout (see --layout).")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--layout", required = true, completionCandidates = LayoutNames.All.class,
      description = "Layout: ${COMPLETION-CANDIDATES}.")
  String layout;

  @Option(names = "--split", paramLabel = "NAME",
      description = "A split to write (repeatable; default: the layout's default split). Each split gets --videos videos of its own.")
  List<String> splits;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (must be empty or absent).")
  Path out;

  @Option(names = "--seed", defaultValue = "1", description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--videos", description = "Number of videos (default 24).")
  Integer videos;

  @Option(names = "--frames", description = "Frames per video (default 8).")
  Integer frames;

  @Option(names = "--size", description = "Frame height and width in pixels (default 64).")
  Integer size;

  @Override
  public Integer call() throws Exception {
    DatasetLayout registered = DatasetLayouts.get(layout);
    Layout l = registered.generator();
    List<String> chosen = new ArrayList<>();
    for (String s : splits == null ? List.of(registered.defaultSplit()) : splits) {
      chosen.add(registered.split(s));
    }
    SynthConfig d = SynthConfig.defaults(l);
    SynthConfig cfg = new SynthConfig(l, seed, videos == null ? d.videos() : videos,
        frames == null ? d.frames() : frames, size == null ? d.height() : size, size == null ? d.width() : size,
        chosen);
    SynthSummary s = SyntheticDatasets.generate(cfg, out);
    System.out.printf("wrote %s: %d videos, %d objects, %d expressions, %d frames -> %s%n",
        l.id(), s.videos(), s.objects(), s.expressions(), s.frames(), out.toAbsolutePath());
    return 0;
  }
}
