package org.egotune.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.JobConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run resumed with another number of workers, grouping or averaging interval continues the same
 * global sample order: across 4 workers, then 2, then 3, every position of the mixer's sequence is
 * read exactly once and in order, the same positions one uninterrupted 1-worker run reads; the
 * checkpoint cadence and the round numbers continue where they were.
 */
class ElasticResumeTest {
  @TempDir static Path tmp;
  static String shards;
  private final List<long[]> reads = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void data() throws Exception {
    shards = TinyShards.prepare(tmp);
  }

  @AfterEach
  void unhook() {
    Worker.positionsHook = (w, p, n) -> {};
  }

  /** Trains {@code job} in this JVM and returns the positions its workers read, in global order. */
  private List<Long> train(JobConfig job, boolean resume) {
    reads.clear();
    Worker.positionsHook = (w, p, n) -> reads.add(new long[] {p, n});
    new TrainingRun(job, new Configuration()).run(new InProcessSync(), resume, r -> {});
    List<Long> out = new ArrayList<>();
    for (long[] r : reads) {
      for (long i = 0; i < r[1]; i++) {
        out.add(r[0] + i);
      }
    }
    Collections.sort(out);
    return out;
  }

  @Test
  void workersChangeBetweenResumesButTheSampleOrderDoesNot() throws Exception {
    String ckpt = tmp.resolve("elastic").toString();
    List<Long> consumed = new ArrayList<>();
    // 4 workers (2 per group), k = 2: 2 steps x 4 x 2 = positions 0..15.
    consumed.addAll(train(TinyShards.job(shards, ckpt, 2, 4, 2, 2), false));
    // 2 workers, k = 3: steps 2..5, 3 x 2 x 2 = positions 16..27.
    consumed.addAll(train(TinyShards.job(shards, ckpt, 5, 2, 1, 3), true));
    // 3 workers in one group, k = 1: steps 5..7, 2 x 3 x 2 = positions 28..39.
    consumed.addAll(train(TinyShards.job(shards, ckpt, 7, 3, 3, 1), true));

    // One worker, never stopped: 20 steps x 2 = positions 0..39.
    List<Long> reference = train(TinyShards.job(shards, tmp.resolve("one").toString(), 20, 1, 1, 5), false);
    assertEquals(40, reference.size());
    assertEquals(reference, consumed, "positions read across the resumes: no gap, no duplicate");
    for (int i = 0; i < consumed.size(); i++) {
      assertEquals(i, consumed.get(i).longValue());
    }

    // Round numbers and the clock continue; the checkpoint records the sample position.
    List<String> lines = Files.readAllLines(Path.of(ckpt, RunLog.FILE));
    List<Integer> rounds = new ArrayList<>();
    List<Integer> steps = new ArrayList<>();
    List<Long> seen = new ArrayList<>();
    ObjectMapper om = new ObjectMapper();
    for (String l : lines) {
      JsonNode n = om.readTree(l);
      rounds.add(n.get("round").asInt());
      steps.add(n.get("step").asInt());
      seen.add(n.get("samplesSeen").asLong());
    }
    // rounds: 1 (k=2, steps 0..2), then k=3: 2 (steps 2..5), then k=1: 3, 4 (steps 5..7)
    assertEquals(List.of(1, 2, 3, 4), rounds);
    assertEquals(List.of(2, 5, 6, 7), steps);
    assertEquals(List.of(16L, 28L, 34L, 40L), seen);
  }

  @Test
  void checkpointCadenceCountsSteps() {
    assertFalse(TrainingRun.checkpointDue(0, 1, 2, 10));
    assertEquals(true, TrainingRun.checkpointDue(1, 2, 2, 10));
    assertEquals(true, TrainingRun.checkpointDue(1, 4, 2, 10), "a round that crosses a multiple");
    assertFalse(TrainingRun.checkpointDue(4, 5, 2, 10));
    assertEquals(true, TrainingRun.checkpointDue(8, 10, 100, 10), "always at the end");
  }

  @Test
  void unchangedResumeIsBitIdentical() {
    float[] whole = new TrainingRun(TinyShards.job(shards, tmp.resolve("w").toString(), 6, 2, 1, 2),
        new Configuration()).run(new InProcessSync(), false, r -> {}).params();
    new TrainingRun(TinyShards.job(shards, tmp.resolve("h").toString(), 4, 2, 1, 2), new Configuration())
        .run(new InProcessSync(), false, r -> {});
    float[] resumed = new TrainingRun(TinyShards.job(shards, tmp.resolve("h").toString(), 6, 2, 1, 2),
        new Configuration()).run(new InProcessSync(), true, r -> {}).params();
    assertArrayEquals(whole, resumed);
  }
}
