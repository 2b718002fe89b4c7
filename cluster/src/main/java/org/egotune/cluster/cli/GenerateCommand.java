package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.egotune.mixer.synth.Layout;
import org.egotune.mixer.synth.SynthConfig;
import org.egotune.mixer.synth.SynthSummary;
import org.egotune.mixer.synth.SyntheticDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code egotune generate}: writes a synthetic dataset in a native layout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a synthetic dataset in a native layout (egomask-train, egomask-bench, ref-youtube-vos, mevis, ref-davis).")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--layout", required = true, description = "egomask-train, egomask-bench, ref-youtube-vos, mevis or ref-davis.")
  String layout;

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
    Layout l = Layout.fromId(layout);
    SynthConfig d = SynthConfig.defaults(l);
    SynthConfig cfg = new SynthConfig(l, seed, videos == null ? d.videos() : videos,
        frames == null ? d.frames() : frames, size == null ? d.height() : size, size == null ? d.width() : size);
    SynthSummary s = SyntheticDatasets.generate(cfg, out);
    System.out.printf("wrote %s: %d videos, %d objects, %d expressions, %d frames -> %s%n",
        l.id(), s.videos(), s.objects(), s.expressions(), s.frames(), out.toAbsolutePath());
    return 0;
  }
}
