#!/usr/bin/env bash
# DL4J's ParameterAveragingTrainingMaster vs EgoTune's round on the same ComputationGraph, data and
# workers (docs/benchmarks.md). Builds the benchmark module (profile dl4j-spark-bench; it is never
# part of the application jar) and runs it with Spark local[WORKERS].
#   bench-dl4j-spark/run.sh [workers] [k] [rounds] [repeats]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -B -q -Pdl4j-spark-bench -pl bench-dl4j-spark compile dependency:build-classpath \
  -Dmdep.outputFile="$here/bench-dl4j-spark/target/classpath.txt" >&2
# Spark's Java 17 module flags, as bin/egotune uses them.
eval "$(grep '^JVM_FLAGS=' bin/egotune)"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java $JVM_FLAGS -Xmx6g -Dorg.bytedeco.javacpp.platform.extension=-onednn \
  -cp "bench-dl4j-spark/target/classes:$(cat bench-dl4j-spark/target/classpath.txt)" \
  org.egotune.bench.dl4jspark.PatmComparison "$@"
