"""Writes a small feature shard set with deterministic values, for the Java reader's test
(org.egotune.trainer.features.PythonFeatureWriterTest computes the same values and compares).

usage: write_test_shards.py OUT_DIR DTYPE SHARD_BYTES
"""

import os
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from egotune_features import FeatureShardWriter  # noqa: E402
from egotune_features.writer import PRESETS  # noqa: E402

PRESET = "sam2-decoder-small"
# (video, expId, frames): two expressions share v0's frames, as in a real dataset.
RECORDS = [("v0", "0", ["f0", "f1", "f2"]), ("v0", "1", ["f0", "f1", "f2"]), ("v1", "0", ["a", "b"])]


def values(tensor, n):
    """Element k of tensor ``tensor``: ((k*7919 + s*104729) mod 20011 - 10005) / 1000 * 2^(k mod 9 - 4),
    s = CRC-32 of the name mod 65536, in float32 (the Java test computes the same)."""
    s = zlib.crc32(tensor.encode("utf-8")) & 0xFFFF
    k = np.arange(n, dtype=np.int64)
    base = ((k * 7919 + s * 104729) % 20011 - 10005).astype(np.float32)
    scale = np.ldexp(np.float32(1), (k % 9 - 4).astype(np.int32)).astype(np.float32)
    return (base / np.float32(1000)) * scale


def main():
    out, dtype, shard_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    shapes = PRESETS[PRESET]
    w = FeatureShardWriter(out, "src", PRESET, dtype=dtype, shard_bytes=shard_bytes)
    for video, exp_id, frames in RECORDS:
        for f in frames:
            if not w.has_frame(video, f):
                w.add_frame(video, f, {name: values("frame/%s/%s/%s" % (video, f, name), int(np.prod(shape)))
                                       for name, shape in shapes.items() if name != "seg_hidden_state"})
        if not w.has_expression(video, exp_id):
            name = "seg_hidden_state"
            w.add_expression(video, exp_id, {name: values("expression/%s/%s/%s" % (video, exp_id, name),
                                                          shapes[name][0])})
    index = w.finish("python test (write_test_shards.py)")
    print("%d shards" % len(index["shards"]))


if __name__ == "__main__":
    main()
