package org.egotune.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One flipped byte in any file of a checkpoint: loading refuses it by checksum with the file named,
 * and a resumed run falls back to the newest older checkpoint that verifies, setting the damaged
 * one aside (docs/reliability.md). Each file is damaged twice: once with Hadoop's own {@code .crc}
 * sidecar left in place (the local file system then catches it first) and once without it, so the
 * store's SHA-256 is what must catch it.
 */
class CheckpointCorruptionTest {
  @TempDir java.nio.file.Path tmp;

  static CheckpointData data(int step) {
    float[] p = new float[64];
    float[] o = new float[128];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) Math.cos(i * 0.37 + step);
    }
    for (int i = 0; i < o.length; i++) {
      o[i] = (float) (i * 0.25 + step * 0.5);
    }
    return new CheckpointData(step, step * 3, step * 16L, p, o,
        new ObjectMapper().createObjectNode().put("seed", 7));
  }

  static byte[] model(int step) {
    byte[] b = new byte[300];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31 + step);
    }
    return b;
  }

  private CheckpointStore twoCheckpoints() {
    CheckpointStore store = new CheckpointStore(new Configuration(), new Path(tmp.toUri()), 5);
    store.save(data(1), Map.of("model.fb", model(1)));
    store.save(data(2), Map.of("model.fb", model(2)));
    return store;
  }

  /** Flips one bit of the byte in the middle of {@code f}. */
  static void flipMiddleByte(java.nio.file.Path f) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      long at = raf.length() / 2;
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x04);
    }
  }

  static Stream<Arguments> damagedFiles() {
    return Stream.of("params.f32", "optimizer.f32", "model.fb", "meta.json", "meta.json.sha256")
        .flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
  }

  @ParameterizedTest(name = "{0}, Hadoop .crc kept: {1}")
  @MethodSource("damagedFiles")
  void oneFlippedByteIsRefusedByChecksumAndResumeFallsBack(String file, boolean keepCrc) throws Exception {
    CheckpointStore store = twoCheckpoints();
    java.nio.file.Path step2 = tmp.resolve("step-00000002");
    flipMiddleByte(step2.resolve(file));
    if (!keepCrc) {
      Files.delete(step2.resolve("." + file + ".crc"));
    }
    Path dir = new Path(step2.toUri());
    // the model file is verified when it is read (export, evaluate); the rest when the checkpoint is
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> {
          if (file.equals("model.fb")) {
            store.readFile(dir, file);
          } else {
            store.load(dir);
          }
        }, "a damaged " + file + " must be refused");
    String msg = e.getMessage();
    assertTrue(msg.contains("checksum mismatch") && msg.contains("corrupt"), msg);
    String named = keepCrc || file.equals("meta.json.sha256") ? file.replace(".sha256", "") : file;
    assertTrue(msg.contains(named), "the message must name " + named + ": " + msg);
    assertTrue(msg.contains("step-00000002"), msg);

    if (file.equals("model.fb")) {
      return; // resume reads only the vectors and meta.json: step 2 is still a valid resume point
    }
    CheckpointData resumed = store.loadForResume().orElseThrow();
    assertEquals(1, resumed.step(), "resume must fall back to the previous complete checkpoint");
    assertArrayEquals(data(1).params(), resumed.params());
    assertArrayEquals(data(1).optimizer(), resumed.optimizer());
    assertEquals("step-00000001", Files.readString(tmp.resolve("latest")).trim());
    try (Stream<java.nio.file.Path> s = Files.list(tmp)) {
      List<String> aside = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("_corrupt.")).toList();
      assertEquals(1, aside.size(), "the damaged checkpoint is kept aside, not deleted: " + aside);
      assertTrue(aside.get(0).startsWith("_corrupt.step-00000002."), aside.toString());
    }
    // the resumed run writes step 2 again
    store.save(data(2), Map.of("model.fb", model(2)));
    assertArrayEquals(data(2).params(), store.loadLatest().orElseThrow().params());
  }

  @Test
  void aDamagedLatestPointerFallsBackToTheNewestCompleteCheckpoint() throws Exception {
    CheckpointStore store = twoCheckpoints();
    flipMiddleByte(tmp.resolve("latest"));
    Files.deleteIfExists(tmp.resolve(".latest.crc"));
    assertEquals(2, store.loadLatest().orElseThrow().step());
    assertEquals("step-00000002", store.latestDir().orElseThrow().getName());
    assertEquals(2, store.loadForResume().orElseThrow().step());
    assertEquals("step-00000002", Files.readString(tmp.resolve("latest")).trim(), "pointer repaired");
  }

  @Test
  void resumeTakesTheNewestRenamedCheckpointEvenIfLatestWasNotMovedYet() throws Exception {
    CheckpointStore store = twoCheckpoints();
    // a crash between the rename of step-00000002 and the pointer's move
    Files.delete(tmp.resolve("latest"));
    Files.deleteIfExists(tmp.resolve(".latest.crc"));
    Files.writeString(tmp.resolve("latest"), "step-00000001\n");
    assertEquals(2, store.loadForResume().orElseThrow().step());
    assertEquals("step-00000002", Files.readString(tmp.resolve("latest")).trim());
  }

  @Test
  void resumeRefusesWhenNoCheckpointVerifiesRatherThanStartingOver() throws Exception {
    CheckpointStore store = twoCheckpoints();
    for (String s : new String[] {"step-00000001", "step-00000002"}) {
      flipMiddleByte(tmp.resolve(s).resolve("params.f32"));
      Files.delete(tmp.resolve(s).resolve(".params.f32.crc"));
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, store::loadForResume);
    assertTrue(e.getMessage().contains("no checkpoint in") && e.getMessage().contains("step-00000001")
        && e.getMessage().contains("step-00000002") && e.getMessage().contains("params.f32"), e.getMessage());
  }

  @Test
  void aCheckpointWithoutMetaChecksumIsRefusedUnlessFormatOne() throws Exception {
    CheckpointStore store = twoCheckpoints();
    java.nio.file.Path step2 = tmp.resolve("step-00000002");
    Files.delete(step2.resolve("meta.json.sha256"));
    Files.deleteIfExists(step2.resolve(".meta.json.sha256.crc"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.load(new Path(step2.toUri())));
    assertTrue(e.getMessage().contains("meta.json.sha256 is missing"), e.getMessage());
    // a format-1 checkpoint (written before the sidecar existed) still loads
    String meta = Files.readString(step2.resolve("meta.json")).replace("\"format\" : 2", "\"format\" : 1");
    Files.writeString(step2.resolve("meta.json"), meta);
    Files.deleteIfExists(step2.resolve(".meta.json.crc"));
    assertEquals(2, store.load(new Path(step2.toUri())).step());
  }
}
