#!/usr/bin/env bash
# Training-step time of every model preset, one after the other in one run (ratios are what count
# on a shared machine): `egotune bench step --preset P`, single-threaded as a Spark task runs.
# Usage: bench/scripts/presets.sh [REPO_ROOT], after a build (bin/egotune or mvn package).
set -euo pipefail
cd "${1:-.}"
for spec in "tiny 16 10 3" "sam2-decoder-small 16 5 3" "sam2-decoder 2 2 3"; do
  set -- $spec
  echo "--- $1 (batch $2 frames)"
  OMP_NUM_THREADS=1 bin/egotune bench step --preset "$1" --batch "$2" --steps "$3" --repeats "$4" --warmup 2 2>/dev/null | tail -2
done
