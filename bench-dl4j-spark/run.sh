#!/usr/bin/env bash
# DL4J's ParameterAveragingTrainingMaster vs EgoTune's round on the same ComputationGraph, data and
# workers (docs/benchmarks.md). Builds the benchmark module (profile dl4j-spark-bench; it is never
# part of the application jar) and runs it with Spark local[WORKERS].
#   bench-dl4j-spark/run.sh [workers] [k] [rounds] [repeats] [--frames N] [--profile]
#       [--net tiny|large] [--bottleneck H]
#       [--patm paths|direct|export|legacy[,...]] [--prefetch N] [--repartition always|differs]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# -am builds the module together with the parent and any sibling it depends on in this reactor:
# without it Maven resolves them from ~/.m2, which may hold another branch's stale jars (and
# `mvn install` is not an option on a shared ~/.m2). The relative outputFile gives each reactor
# module its own classpath file instead of the last one overwriting a shared one.
mvn -B -q -Pdl4j-spark-bench -pl bench-dl4j-spark -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >&2
# Spark's Java 17 module flags, as bin/egotune uses them.
eval "$(grep '^JVM_FLAGS=' bin/egotune)"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# BENCH_JAVA_OPTS: extra JVM options, e.g. -XX:StartFlightRecording=filename=patm.jfr for a profile.
exec java $JVM_FLAGS ${BENCH_JAVA_OPTS:-} -Xmx6g -Dorg.bytedeco.javacpp.platform.extension=-onednn \
  -cp "bench-dl4j-spark/target/classes:$(cat bench-dl4j-spark/target/classpath.txt)" \
  org.egotune.bench.dl4jspark.PatmComparison "$@"
