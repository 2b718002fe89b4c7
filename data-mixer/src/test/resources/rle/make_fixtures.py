#!/usr/bin/env python3
"""Writes coco_rle_fixtures.json: COCO RLE test vectors computed independently of EgoTune's Java.

The encoder and the string codec follow pycocotools' C code (common/maskApi.c: rleEncode,
rleToString, rleFrString) step by step, written from that algorithm, not from EgoTune's Rle.java:

- rleEncode: the mask is read in column-major (Fortran) order; runs alternate 0s and 1s and the
  first run counts 0s (so a mask starting with a 1 begins with a 0-length run).
- rleToString: each count (from the fourth on, minus the count two before it) is written as
  little-endian 5-bit groups, one char per group: bit 0x20 = more groups follow, bit 0x10 of the
  last group = sign; char = group + 48.
- rleFrString: the inverse, sign-extending from the last group's 0x10 bit.

Only Python 3 and numpy are needed (Debian: python3-numpy). Run from this directory:

    python3 make_fixtures.py            # rewrites coco_rle_fixtures.json (deterministic)
"""

import json
import os

import numpy as np


def rle_encode(mask):
    """pycocotools rleEncode for one h x w 0/1 mask: counts over the column-major pixels."""
    flat = np.asarray(mask, dtype=np.uint8).flatten(order="F")
    counts = []
    prev = 0
    run = 0
    for v in flat:
        if v != prev:
            counts.append(run)
            run = 0
            prev = v
        run += 1
    counts.append(run)
    return counts


def rle_decode(counts, h, w):
    """pycocotools rleDecode: fill alternating 0/1 runs column-major, then reshape."""
    flat = np.zeros(h * w, dtype=np.uint8)
    pos = 0
    val = 0
    for c in counts:
        flat[pos:pos + c] = val
        pos += c
        val = 1 - val
    assert pos == h * w, "runs must cover the mask"
    return flat.reshape((h, w), order="F")


def rle_to_string(counts):
    """pycocotools rleToString."""
    out = []
    for i, cnt in enumerate(counts):
        x = cnt
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5  # arithmetic shift, as C's >> on a signed long
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def rle_from_string(s):
    """pycocotools rleFrString."""
    counts = []
    p = 0
    while p < len(s):
        x = 0
        k = 0
        more = True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def masks():
    """(name, mask) pairs: edge cases first, then seeded random masks of assorted sizes."""
    rng = np.random.default_rng(20261123)
    out = [
        ("empty-1x1", np.zeros((1, 1))),
        ("full-1x1", np.ones((1, 1))),
        ("empty-5x7", np.zeros((5, 7))),
        ("full-4x4", np.ones((4, 4))),
        ("row-1x9", np.array([[0, 1, 1, 0, 1, 0, 0, 0, 1]])),
        ("column-9x1", np.array([[1, 1, 0, 0, 0, 1, 0, 1, 1]]).T),
        ("checker-3x3", np.indices((3, 3)).sum(axis=0) % 2),
        ("first-pixel-only-6x5", np.pad(np.ones((1, 1)), ((0, 5), (0, 4)))),
        ("last-pixel-only-6x5", np.pad(np.ones((1, 1)), ((5, 0), (4, 0)))),
    ]
    # a large block: long runs whose deltas need several 5-bit groups, some negative
    block = np.zeros((60, 80))
    block[7:51, 13:70] = 1
    out.append(("block-60x80", block))
    # a wide 1 x N strip with a long foreground run
    strip = np.zeros((1, 300))
    strip[0, 20:260] = 1
    out.append(("strip-1x300", strip))
    for i, (h, w, p) in enumerate([(2, 3, 0.5), (7, 5, 0.3), (16, 16, 0.5), (13, 31, 0.1),
                                   (32, 24, 0.9), (48, 48, 0.02), (9, 64, 0.5), (40, 3, 0.7),
                                   (33, 65, 0.25)]):
        out.append((f"random-{h}x{w}-p{p}", (rng.random((h, w)) < p)))
    # a disc: smooth boundaries, as real object masks have
    yy, xx = np.mgrid[0:50, 0:70]
    out.append(("disc-50x70", ((yy - 22) ** 2 + (xx - 40) ** 2) <= 15 ** 2))
    return [(n, np.asarray(m, dtype=np.uint8)) for n, m in out]


def main():
    fixtures = []
    for name, m in masks():
        h, w = m.shape
        counts = rle_encode(m)
        s = rle_to_string(counts)
        # self-checks of the independent implementation
        assert rle_from_string(s) == counts, name
        assert np.array_equal(rle_decode(counts, h, w), m), name
        assert sum(counts) == h * w, name
        fixtures.append({
            "name": name,
            "height": int(h),
            "width": int(w),
            "mask": "".join(str(int(v)) for v in m.flatten(order="C")),
            "area": int(m.sum()),
            "counts": [int(c) for c in counts],
            "string": s,
        })
    doc = {
        "about": "COCO RLE vectors from make_fixtures.py (pycocotools rleEncode / rleToString /"
                 " rleFrString re-implemented in Python + numpy); mask is row-major 0/1",
        "fixtures": fixtures,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "coco_rle_fixtures.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(fixtures)} fixtures")


if __name__ == "__main__":
    main()
