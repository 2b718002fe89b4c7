package org.egotune.cluster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import org.egotune.cluster.quickstart.Quickstart;
import org.egotune.mixer.shard.DatasetManifest;
import org.egotune.mixer.shard.ShardInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code egotune audit} as a user runs it, checked against closed forms: the quickstart's job is
 * 300 steps x 2 workers x batch 4 = 2400 samples of 80/20, whose order repeats E E X E E, so the
 * shares are exactly 0.8 / 0.2, the worst prefix deviation is 0.4 samples, and every 40-sample
 * window (2 workers x 4 x 5 steps) holds exactly 32 ego samples.
 */
class AuditCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private JsonNode auditJson(String... args) throws Exception {
    Path out = tmp.resolve("audit-" + System.nanoTime() + ".json");
    String[] all = new String[args.length + 4];
    all[0] = "audit";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--json";
    all[args.length + 2] = "--out";
    all[args.length + 3] = out.toString();
    EgoTuneCliTest.Run r = EgoTuneCliTest.run(all);
    assertEquals(0, r.code(), r.describe());
    return JSON.readTree(out.toFile());
  }

  private static void assertSource(JsonNode s, String name, double weight, long count, double dev) {
    assertEquals(name, s.path("name").asText());
    assertEquals(weight, s.path("weight").asDouble(), 1e-12);
    assertEquals(count, s.path("count").asLong());
    assertEquals((double) count / 2400, s.path("realised").asDouble(), 1e-12);
    assertEquals(dev, s.path("max_prefix_deviation").asDouble(), 1e-9);
    assertEquals(weight, s.path("window_share_min").asDouble(), 1e-12);
    assertEquals(weight, s.path("window_share_max").asDouble(), 1e-12);
    assertEquals(0.0, s.path("worst_window_deviation").asDouble(), 1e-9);
  }

  @Test
  void withoutConfigAuditsTheQuickstartJob() throws Exception {
    JsonNode a = auditJson();
    assertEquals("the quickstart's default job", a.path("job").asText());
    assertEquals(2400, a.path("total").asLong());
    assertEquals(40, a.path("window").path("size").asLong());
    assertEquals(60, a.path("window").path("count").asLong());
    JsonNode sources = a.path("sources");
    assertEquals(2, sources.size());
    assertSource(sources.get(0), "egomask-train", 0.8, 1920, 0.4);
    assertSource(sources.get(1), "ref-youtube-vos", 0.2, 480, 0.4);

    // the job audited is the one the quickstart trains
    JobConfig qs = Quickstart.job(Quickstart.Options.defaults(Path.of(AuditCommand.QUICKSTART_OUT)));
    assertEquals(qs.data().shards(), a.path("shards").asText());
    assertEquals(qs.train().steps(), a.path("steps").asInt());
    assertEquals(qs.train().seed(), a.path("seed").asLong());
    assertEquals(qs.spark().workers(), a.path("workers").asInt());
    assertEquals(qs.spark().averagingEvery(), a.path("averagingEvery").asInt());
    assertEquals(qs.train().batchSize(), a.path("batchSize").asInt());
    assertEquals(List.copyOf(qs.data().mix().keySet()),
        List.of(sources.get(0).path("name").asText(), sources.get(1).path("name").asText()));
  }

  @Test
  void sizesComeFromTheManifestsAndMissingOnesAreNoted() throws Exception {
    Path shards = tmp.resolve("shards");
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path ego = new org.apache.hadoop.fs.Path(shards.resolve("egomask-train").toUri());
    String sha = "0".repeat(64);
    DatasetManifest.write(conf, ego, DatasetManifest.of("egomask-train",
        List.of(new ShardInfo("part-00000.parquet", 64, 10, sha), new ShardInfo("part-00001.parquet", 56, 10, sha))),
        false);
    JsonNode a = auditJson("--shards", shards.toString());
    JsonNode e = a.path("sources").get(0);
    assertTrue(e.path("prepared").asBoolean());
    assertEquals(120, e.path("size").asLong());
    assertEquals(16.0, e.path("epochs").asDouble(), 1e-12); // 1920 / 120
    assertEquals(16, e.path("max_uses").asLong());
    JsonNode x = a.path("sources").get(1);
    assertTrue(!x.path("prepared").asBoolean() && x.path("epochs").isNull(), x.toString());
    assertEquals(0.2, x.path("realised").asDouble(), 1e-12, "shares do not need the sizes");
    assertTrue(a.path("notes").get(0).asText().contains("ref-youtube-vos is not prepared yet"), a.toString());

    EgoTuneCliTest.Run text = EgoTuneCliTest.run("audit", "--shards", shards.toString());
    assertEquals(0, text.code(), text.describe());
    assertTrue(text.out().contains("| egomask-train | 0.8000 | 1920 | 0.8000 | 0.400 |"), text.out());
    assertTrue(text.out().contains("window = one averaging round's global batch"), text.out());
  }

  @Test
  void aConfigFileAndFlagsAreAudited() throws Exception {
    Path cfg = Files.writeString(tmp.resolve("job.yaml"),
        "data: {shards: " + tmp.resolve("none") + ", mix: {a: 0.5, b: 0.3, c: 0.2}}\n"
            + "train: {steps: 10, batchSize: 3}\nspark: {workers: 1, averagingEvery: 2}\n");
    JsonNode a = auditJson("--config", cfg.toString(), "--steps", "20");
    assertEquals(60, a.path("total").asLong()); // 20 steps x 1 worker x 3
    assertEquals(cfg + " with the command-line flags", a.path("job").asText());
    assertEquals(6, a.path("window").path("size").asLong());
    long sum = 0;
    for (JsonNode s : a.path("sources")) {
      sum += s.path("count").asLong();
      assertTrue(s.path("max_prefix_deviation").asDouble() <= 1.0, s.toString());
    }
    assertEquals(60, sum);
    assertEquals(30, a.path("sources").get(0).path("count").asLong());
  }

  @Test
  void aGroupKeySplitsItsWeightByTheMembersSizes() throws Exception {
    Path shards = tmp.resolve("shards");
    Configuration conf = new Configuration();
    String sha = "0".repeat(64);
    for (Map.Entry<String, Integer> e : Map.of("ref-youtube-vos", 30, "mevis", 10).entrySet()) {
      DatasetManifest.write(conf, new org.apache.hadoop.fs.Path(shards.resolve(e.getKey()).toUri()),
          DatasetManifest.of(e.getKey(), List.of(new ShardInfo("part-00000.parquet", e.getValue(), 10, sha))), false);
    }
    JsonNode a = auditJson("--shards", shards.toString(), "--mix", "egomask-train=0.8,ref-youtube-vos+mevis=0.2",
        "--steps", "100");
    JsonNode s = a.path("sources");
    assertEquals(3, s.size());
    assertEquals("ref-youtube-vos", s.get(1).path("name").asText());
    assertEquals(0.2 * 30 / 40, s.get(1).path("weight").asDouble(), 1e-12);
    assertEquals(0.2 * 10 / 40, s.get(2).path("weight").asDouble(), 1e-12);
    assertEquals(800 * 0.05, s.get(2).path("count").asDouble(), 1.0); // 100 x 2 x 4 samples
    EgoTuneCliTest.Run r = EgoTuneCliTest.run("audit", "--shards", shards.toString(), "--mix",
        "egomask-train=0.8,ref-youtube-vos+ref-davis=0.2");
    assertEquals(2, r.code(), r.describe());
    assertTrue(r.err().contains("group member ref-davis"), r.describe());
  }

  @Test
  void prepareRejectsAnUnknownBadSamplePolicyBeforeStartingSpark() {
    EgoTuneCliTest.Run r = EgoTuneCliTest.run("prepare", "--layout", "mevis", "--input", tmp.toString(),
        "--out", tmp.resolve("o").toString(), "--on-bad-sample", "ignore");
    assertEquals(2, r.code(), r.describe());
    assertTrue(r.err().contains("data.onBadSample must be 'fail' or 'skip', found 'ignore'"), r.describe());
  }

  @Test
  void onBadSampleIsAConfigField() {
    JobConfig d = ConfigLoader.load(null, Map.of());
    assertEquals("fail", d.data().onBadSample());
    assertEquals("skip", ConfigLoader.load(null, Map.of("data.onBadSample", "SKIP")).data().onBadSample());
  }
}
