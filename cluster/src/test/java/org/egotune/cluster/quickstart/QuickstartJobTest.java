package org.egotune.cluster.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.egotune.trainer.config.CheckpointConfig;
import org.egotune.trainer.config.DataConfig;
import org.egotune.trainer.config.JobConfig;
import org.junit.jupiter.api.Test;

/** The quickstart trains the embedded default job, with its paths under --out. */
class QuickstartJobTest {
  @Test
  void theQuickstartJobIsTheDefaultJobUnderOut() {
    Path out = Path.of("qs");
    Quickstart.Options o = Quickstart.Options.defaults(out);
    assertEquals("local[2]", o.master());
    assertEquals(300, o.steps());
    assertEquals(42L, o.seed());
    JobConfig d = JobConfig.defaults();
    JobConfig expected = d.toBuilder()
        .set(JobConfig.DATA, d.data().toBuilder().set(DataConfig.SHARDS, out.resolve("shards").toString())
            .set(DataConfig.BENCHMARK, out.resolve("raw").resolve("egomask-bench").toString()).build())
        .set(JobConfig.CHECKPOINT, d.checkpoint().toBuilder()
            .set(CheckpointConfig.DIR, out.resolve("checkpoints").toString()).build())
        .build();
    assertEquals(expected, Quickstart.job(o));
    assertEquals(2, expected.spark().workers(), "two workers, 80/20 ego/exo, as the quickstart says");
    assertEquals(0.8, expected.data().mix().get("egomask-train"));
  }
}
