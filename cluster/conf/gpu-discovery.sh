#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript): prints the GPUs of this node in Spark's format,
#   {"name":"gpu","addresses":["0","1",...]}
# with nvidia-smi's device indices. Without nvidia-smi (or when it fails) it prints an empty
# address list, so a CPU node reports no GPU instead of failing the executor. See docs/cluster.md.
# Set CUDA_DEVICE_ORDER=PCI_BUS_ID for the executors so CUDA numbers devices as nvidia-smi does.
set -u
addresses=""
if command -v nvidia-smi >/dev/null 2>&1; then
  if out="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null)"; then
    for i in $out; do
      case "$i" in
        ''|*[!0-9]*) ;;  # skip anything that is not a device index
        *) addresses="${addresses:+$addresses,}\"$i\"" ;;
      esac
    done
  fi
fi
printf '{"name":"gpu","addresses":[%s]}\n' "$addresses"
