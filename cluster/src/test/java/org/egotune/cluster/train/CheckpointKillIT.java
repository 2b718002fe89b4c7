package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.checkpoint.CheckpointData;
import org.egotune.trainer.checkpoint.CheckpointStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while a checkpoint is being written, three times at random points inside writes: after
 * each kill every complete checkpoint still verifies and holds exactly the state of its step, the
 * store chooses a complete one no older than the last one the process reported, and the run that
 * finally completes ends bit for bit where an uninterrupted run does.
 */
@Tag("slow")
class CheckpointKillIT {
  static final int STEPS = 12;
  static final int KILLS = 3;

  @TempDir Path tmp;

  @Test
  void sigkillDuringCheckpointWritesLosesNothingAndResumesBitForBit() throws Exception {
    // The uninterrupted run, in this JVM: the state's digest at every step, and the final state.
    float[] p = new float[CheckpointWriterMain.PARAMS];
    float[] o = new float[CheckpointWriterMain.OPTIMIZER];
    String[] digest = new String[STEPS + 1];
    for (int s = 1; s <= STEPS; s++) {
      CheckpointWriterMain.advance(p, o, s);
      digest[s] = digest(p) + digest(o);
    }

    Path ckpt = tmp.resolve("ckpt");
    Path log = tmp.resolve("writer.log");
    CheckpointStore store = new CheckpointStore(new Configuration(), new org.apache.hadoop.fs.Path(ckpt.toUri()), 2);
    List<String> args = List.of(ckpt.toString(), String.valueOf(STEPS));
    SplittableRandom random = new SplittableRandom(20261123L);
    int torn = 0;
    int lastReported = 0;
    for (int k = 0; k < KILLS; k++) {
      int before = saves(log).size();
      Process child = ChildJvm.start(log, CheckpointWriterMain.class, args);
      try {
        // Let it write at least one checkpoint of its own, then strike during the next write.
        awaitSaves(log, before + 1, child);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (temporaries(ckpt).isEmpty()) {
          if (!child.isAlive() || System.nanoTime() > deadline) {
            fail("no checkpoint write to interrupt:\n" + ChildJvm.tail(log));
          }
          Thread.onSpinWait();
        }
        Thread.sleep(random.nextInt(40));
      } finally {
        ChildJvm.kill(child);
      }
      if (!temporaries(ckpt).isEmpty()) {
        torn++;
      }
      List<Integer> reported = saves(log);
      lastReported = reported.isEmpty() ? 0 : reported.get(reported.size() - 1);

      for (String name : complete(ckpt)) {
        CheckpointData c = store.load(new org.apache.hadoop.fs.Path(ckpt.resolve(name).toUri()));
        assertEquals(digest[c.step()], digest(c.params()) + digest(c.optimizer()),
            name + " after kill " + (k + 1) + " must hold exactly the state of step " + c.step());
      }
      CheckpointData chosen = store.loadLatest().orElseThrow();
      assertTrue(chosen.step() >= lastReported, "kill " + (k + 1) + ": the store chose step "
          + chosen.step() + ", older than step " + lastReported + " which the process had reported saved");
    }
    assertTrue(torn >= 1, "none of the " + KILLS + " kills landed inside a write");

    assertEquals(0, ChildJvm.run(log, CheckpointWriterMain.class, args, 120), ChildJvm.tail(log));
    CheckpointData last = store.loadLatest().orElseThrow();
    assertEquals(STEPS, last.step());
    assertArrayEquals(p, last.params(), "the resumed run must end bit for bit where the uninterrupted one does");
    assertArrayEquals(o, last.optimizer());
    assertTrue(temporaries(ckpt).isEmpty(), "a resumed run removes what killed writes left");
    System.out.printf("CheckpointKillIT: %d kills, %d inside a write (a torn _tmp directory left)%n", KILLS, torn);
  }

  private static void awaitSaves(Path log, int count, Process child) throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (saves(log).size() < count) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        fail("the writer saved no checkpoint:\n" + ChildJvm.tail(log));
      }
      Thread.sleep(5);
    }
  }

  private static List<Integer> saves(Path log) throws Exception {
    List<Integer> out = new ArrayList<>();
    if (Files.exists(log)) {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("saved ")) {
          out.add(Integer.parseInt(line.substring(6).trim()));
        }
      }
    }
    return out;
  }

  private static List<String> temporaries(Path dir) throws Exception {
    return names(dir).stream().filter(n -> n.startsWith("_tmp.step-")).toList();
  }

  private static List<String> complete(Path dir) throws Exception {
    return names(dir).stream().filter(n -> n.matches("step-\\d{8}")).toList();
  }

  private static List<String> names(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).toList();
    } catch (java.nio.file.NoSuchFileException e) {
      return List.of(); // listed while a rename was under way
    }
  }

  private static String digest(float[] v) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
  }
}
