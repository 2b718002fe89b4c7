package org.egotune.cluster.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.egotune.cluster.cli.EgoTuneCli;
import org.egotune.cluster.spark.SparkRuntime;
import org.egotune.mixer.reader.DatasetFormatException;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that only a training task can meet (a shard that fails its checksum, is truncated, or
 * is not Parquet at all though its manifest entry matches) comes back from the task as a value: the
 * run ends with the project's bad-input exception naming the shard, Spark never retries the task (it
 * did not fail), and the CLI exits 2 with one line. The table in docs/reliability.md lists the cases.
 */
@Tag("slow")
class TrainBadInputIT {
  @TempDir static Path tmp;
  static SparkSession spark;
  static Path clean;

  @BeforeAll
  static void data() throws Exception {
    spark = SparkRuntime.session("train-bad-input-it", "local[2]");
    clean = Path.of(TinyJob.prepareData(spark, tmp.resolve("data")));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  interface Damage {
    void apply(Path shard) throws Exception;
  }

  /** A fresh copy of the shards with every shard of the ego source damaged; returns the copy's root. */
  static Path damaged(String name, Damage d) throws IOException {
    Path root = tmp.resolve("case-" + name);
    try (var s = Files.walk(clean)) {
      for (Path p : s.toList()) {
        Path to = root.resolve(clean.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else if (!p.getFileName().toString().endsWith(".crc")) {
          Files.copy(p, to);
        }
      }
    }
    try (var s = Files.list(root.resolve("egomask-train"))) {
      for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList()) {
        d.apply(f);
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
    return root;
  }

  static JobConfig job(Path shards, String ckpt) {
    return TinyJob.of(shards.toString(), tmp.resolve(ckpt).toString(), 2, 1, 1, 5);
  }

  /** Trains on damaged shards, counting task attempts, and returns the bad-input error. */
  static DatasetFormatException trainFails(Path shards, String ckpt) {
    AtomicInteger attempts = new AtomicInteger();
    WorkerTask.attemptHook = (g, a) -> attempts.incrementAndGet();
    try {
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> new DistributedTrainer(job(shards, ckpt), spark.sparkContext().hadoopConfiguration())
              .run(spark, false));
      assertTrue(e.getCause() instanceof DatasetFormatException, "bad input, typed: " + e);
      // Each of the 2 tasks ran once: nothing failed, so nothing was retried.
      assertEquals(2, attempts.get(), "task attempts");
      assertFalse(Files.exists(tmp.resolve(ckpt).resolve("latest")), "no checkpoint");
      return (DatasetFormatException) e.getCause();
    } finally {
      WorkerTask.attemptHook = (g, a) -> {};
    }
  }

  @Test
  void aShardThatFailsItsChecksumIsBadInput() throws Exception {
    Path shards = damaged("checksum", f -> {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.seek(raf.length() / 2);
        int b = raf.read();
        raf.seek(raf.length() / 2);
        raf.write(b ^ 0x20);
      }
    });
    String msg = trainFails(shards, "ck-checksum").getMessage();
    assertTrue(msg.contains("egomask-train/part-0") && msg.contains("fails its checksum"), msg);
    assertEquals(1, msg.lines().count(), msg);
  }

  @Test
  void aTruncatedShardIsBadInput() throws Exception {
    Path shards = damaged("truncated", f -> {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(raf.length() / 3);
      }
    });
    String msg = trainFails(shards, "ck-truncated").getMessage();
    assertTrue(msg.contains("egomask-train/part-0") && msg.contains("bytes but the manifest records"), msg);
  }

  /** Not Parquet at all, but the manifest was rewritten to match it: the Parquet reader is the last line. */
  @Test
  void aCorruptParquetShardWithAMatchingManifestIsBadInput() throws Exception {
    Path shards = damaged("parquet", f -> {
      byte[] junk = "PAR1 this is not a Parquet file at all PAR1".getBytes(StandardCharsets.UTF_8);
      Files.write(f, junk);
      Path manifest = f.resolveSibling("manifest.json");
      ObjectMapper om = new ObjectMapper();
      ObjectNode m = (ObjectNode) om.readTree(manifest.toFile());
      for (var entry : m.get("shards")) {
        if (entry.get("file").asText().equals(f.getFileName().toString())) {
          ((ObjectNode) entry).put("bytes", junk.length);
          ((ObjectNode) entry).put("sha256",
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(junk)));
        }
      }
      om.writeValue(manifest.toFile(), m);
    });
    String msg = trainFails(shards, "ck-parquet").getMessage();
    assertTrue(msg.contains("egomask-train/part-0") && msg.contains("Parquet"), msg);
  }

  /**
   * Through the CLI, on the path without Spark ({@code --master none}; a CLI run would stop this
   * class's Spark session): exit code 2 and one line naming the shard, no stack trace.
   */
  @Test
  void theCliExits2WithOneLine() throws Exception {
    Path shards = damaged("cli", f -> {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(raf.length() - 7);
      }
    });
    Path cfg = tmp.resolve("cli.yaml");
    Files.writeString(cfg, ConfigLoader.toYaml(job(shards, "ck-cli")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = EgoTuneCli.execute("train", "--config", cfg.toString(), "--master", "none");
    } finally {
      System.setErr(old);
    }
    String out = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code, out);
    String line = out.lines().filter(l -> l.startsWith("egotune train: error:")).findFirst().orElseThrow();
    assertTrue(line.contains("egomask-train/part-0"), line);
    assertFalse(out.contains("\tat org.egotune"), "no stack trace: " + out);
  }
}
