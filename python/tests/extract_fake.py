"""Runs egotune_features.sa2va's record loop (read_records + extract) with a stand-in for Sa2VA whose
features are write_test_shards.values of each tensor's name, for the Java test
(PythonFeatureWriterTest) that checks the loop against the Java reader's keys.

usage: extract_fake.py RECORDS_JSONL OUT_DIR DTYPE
"""

import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
sys.path.insert(0, here)
from egotune_features.sa2va import extract, read_records  # noqa: E402
from egotune_features.writer import PRESETS, FeatureShardWriter  # noqa: E402
from write_test_shards import values  # noqa: E402

PRESET = "sam2-decoder-small"


class Fake:
    describe = "fake Sa2VA (extract_fake.py)"

    def record(self, r, images, which):
        shapes = PRESETS[PRESET]
        frames = []
        for i in which:
            if not os.path.isfile(images[i]):
                raise FileNotFoundError(images[i])
            frames.append({name: values("frame/%s/%s/%s" % (r["video"], r["frames"][i], name), int(np.prod(shape)))
                           for name, shape in shapes.items() if name != "seg_hidden_state"})
        seg = values("expression/%s/%s/seg_hidden_state" % (r["video"], r["expId"]), shapes["seg_hidden_state"][0])
        return frames, seg


def main():
    records = read_records(sys.argv[1])
    fake = Fake()
    w = FeatureShardWriter(sys.argv[2], records[0]["source"], PRESET, dtype=sys.argv[3], shard_bytes=200000)
    index = extract(records, fake, w, lambda path: path)
    print("%d frames, %d expressions" % (len(index["frames"]), len(index["expressions"])))


if __name__ == "__main__":
    main()
