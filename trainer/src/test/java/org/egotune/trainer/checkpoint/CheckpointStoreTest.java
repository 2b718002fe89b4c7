package org.egotune.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir java.nio.file.Path tmp;

  private static CheckpointData data(int step) {
    float[] p = new float[100];
    float[] o = new float[200];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) Math.sin(i + step);
    }
    for (int i = 0; i < o.length; i++) {
      o[i] = i * 0.5f + step;
    }
    return new CheckpointData(step, step * 2, step * 8L, p, o,
        new ObjectMapper().createObjectNode().put("seed", 42));
  }

  @Test
  void saveThenLoadIsEqualAndLatestMoves() {
    CheckpointStore store = new CheckpointStore(new Configuration(), new Path(tmp.toUri()), 2);
    store.save(data(10), Map.of("model.fb", new byte[] {1, 2, 3}));
    store.save(data(20), Map.of());
    CheckpointData back = store.loadLatest().orElseThrow();
    assertEquals(20, back.step());
    assertEquals(40, back.iteration());
    assertEquals(160L, back.mixerPosition());
    assertArrayEquals(data(20).params(), back.params());
    assertArrayEquals(data(20).optimizer(), back.optimizer());
    assertEquals(42, back.meta().get("seed").asInt());
  }

  @Test
  void keepsOnlyTheLastN() {
    CheckpointStore store = new CheckpointStore(new Configuration(), new Path(tmp.toUri()), 2);
    for (int s = 1; s <= 4; s++) {
      store.save(data(s), Map.of());
    }
    assertTrue(Files.notExists(tmp.resolve("step-00000001")));
    assertTrue(Files.notExists(tmp.resolve("step-00000002")));
    assertTrue(Files.exists(tmp.resolve("step-00000004")));
  }

  @Test
  void refusesACorruptCheckpointByChecksum() throws Exception {
    CheckpointStore store = new CheckpointStore(new Configuration(), new Path(tmp.toUri()), 3);
    Path dir = store.save(data(5), Map.of());
    java.nio.file.Path f = tmp.resolve("step-00000005").resolve("params.f32");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(7);
      int b = raf.read();
      raf.seek(7);
      raf.write(b ^ 0x01);
    }
    Files.deleteIfExists(tmp.resolve("step-00000005").resolve(".params.f32.crc"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.load(dir));
    assertTrue(e.getMessage().contains("params.f32") && e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void neverOverwritesAndFallsBackWithoutPointer() throws Exception {
    CheckpointStore store = new CheckpointStore(new Configuration(), new Path(tmp.toUri()), 3);
    store.save(data(1), Map.of());
    store.save(data(2), Map.of());
    assertThrows(IllegalStateException.class, () -> store.save(data(2), Map.of()));
    // A crash between writing step 3's files and renaming leaves only a _tmp directory behind.
    Files.createDirectories(tmp.resolve("_tmp.step-00000003.x"));
    Files.delete(tmp.resolve("latest"));
    assertEquals(2, store.loadLatest().orElseThrow().step());
  }
}
