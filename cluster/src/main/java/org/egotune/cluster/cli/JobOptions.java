package org.egotune.cluster.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.egotune.trainer.config.ConfigLoader;
import org.egotune.trainer.config.JobConfig;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a job: the config file and the flags that override it. */
final class JobOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Job config (YAML or JSON); flags override it.")
  Path config;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (${bundle:spark.master}).")
  String master;

  @Option(names = "--workers", description = "Data-parallel workers (${bundle:spark.workers}).")
  Integer workers;

  @Option(names = "--averaging-every", paramLabel = "K", description = "Local steps between averagings (${bundle:spark.averagingEvery}).")
  Integer averagingEvery;

  @Option(names = "--workers-per-task", paramLabel = "G", description = "Workers per Spark task, summed in the task before leaving the node (${bundle:spark.workersPerTask}).")
  Integer workersPerTask;

  @Option(names = "--steps", description = "Optimizer steps per worker (${bundle:train.steps}).")
  Integer steps;

  @Option(names = "--batch-size", description = "Samples per worker per step (${bundle:train.batchSize}).")
  Integer batchSize;

  @Option(names = "--lr", description = "AdamW learning rate (${bundle:train.learningRate}).")
  Double learningRate;

  @Option(names = "--eval-every", paramLabel = "N", description = "Validate on data.benchmark every N steps, 0 = never (${bundle:train.evalEvery}).")
  Integer evalEvery;

  @Option(names = "--seed", description = "Job seed (${bundle:train.seed}).")
  Long seed;

  @Option(names = "--weights", paramLabel = "FILE", description = "Safetensors file (path or Hadoop URI) a fresh run starts from, loaded by Sa2VA name; empty: the preset's seeded initialisation (${bundle:model.weights}).")
  String weights;

  @Option(names = "--shards", paramLabel = "DIR", description = "Prepared datasets (${bundle:data.shards}).")
  String shards;

  @Option(names = "--mix", paramLabel = "SOURCE=W[,SOURCE=W...]", description = "Mixture, e.g. egomask-train=0.8,ref-youtube-vos=0.2 (${bundle:data.mix}).")
  String mix;

  @Option(names = "--benchmark", paramLabel = "DIR", description = "EgoMask-layout benchmark root (${bundle:data.benchmark}).")
  String benchmark;

  @Option(names = "--split", description = "Benchmark split: short, medium, long, full (${bundle:data.split}).")
  String split;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Checkpoint directory (${bundle:checkpoint.dir}).")
  String checkpointDir;

  JobConfig load(Map<String, Object> extra) {
    Map<String, Object> o = new LinkedHashMap<>(extra);
    o.put("spark.master", master);
    o.put("spark.workers", workers);
    o.put("spark.averagingEvery", averagingEvery);
    o.put("spark.workersPerTask", workersPerTask);
    o.put("train.steps", steps);
    o.put("train.batchSize", batchSize);
    o.put("train.learningRate", learningRate);
    o.put("train.seed", seed);
    o.put("train.evalEvery", evalEvery);
    o.put("model.weights", weights);
    o.put("data.shards", shards);
    o.put("data.mix", mix == null ? null : parseMix(mix));
    o.put("data.benchmark", benchmark);
    o.put("data.split", split);
    o.put("checkpoint.dir", checkpointDir);
    return ConfigLoader.load(config, o);
  }

  static Map<String, Double> parseMix(String s) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String part : s.split(",")) {
      String[] kv = part.split("=");
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException("--mix expects SOURCE=WEIGHT[,SOURCE=WEIGHT...], found '" + s + "'");
      }
      try {
        m.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--mix: weight of " + kv[0].trim() + " is not a number: '" + kv[1] + "'");
      }
    }
    return m;
  }
}
