#!/usr/bin/env bash
# Alternates the oneDNN and the plain ND4J CPU builds of `egotune bench step`, 3 runs each.
set -euo pipefail
# Usage: bench/scripts/onednn-vs-plain.sh [REPO_ROOT], after a build (bin/egotune or mvn package).
# The plain build must be in ~/.m2: mvn dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:linux-x86_64
cd "${1:-.}"
FLAGS=$(sed -n 's/^JVM_FLAGS="\(.*\)"$/\1/p' bin/egotune)
JAR=bench/target/egotune-bench-0.1.0.jar
RT=$(cat bench/target/runtime-classpath.txt)
PR=$(cat bench/target/provided-classpath.txt)
PLAIN=${RT//-linux-x86_64-onednn.jar/-linux-x86_64.jar}
for i in 1 2 3; do
  echo "--- run $i onednn"
  OMP_NUM_THREADS=1 java $FLAGS -Xmx4g -Dorg.bytedeco.javacpp.platform.extension=-onednn \
    -Dlog4j2.configurationFile=cluster/conf/log4j2.xml -cp "$JAR:$RT:$PR" org.egotune.bench.BenchCli bench step 2>/dev/null | tail -1
  echo "--- run $i plain"
  OMP_NUM_THREADS=1 java $FLAGS -Xmx4g \
    -Dlog4j2.configurationFile=cluster/conf/log4j2.xml -cp "$JAR:$PLAIN:$PR" org.egotune.bench.BenchCli bench step 2>/dev/null | tail -1
done
