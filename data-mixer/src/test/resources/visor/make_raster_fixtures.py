#!/usr/bin/python3
"""Rasterisation fixtures for org.egotune.mixer.visor.VisorRaster, made by OpenCV itself.

Run with Debian's Python (python3-opencv 4.6): /usr/bin/python3 make_raster_fixtures.py
It writes raster_fixtures.json next to this script. Each case is a label map drawn exactly as
VISOR's official tools draw one (VISOR-VIS vis.py generate_masks_for_image, VISOR-VOS
visor_to_davis.py generate_masks): objects in list order, object i painted with value i (1-based),
each object's polygons converted with np.array(poly, dtype=np.int32) (an empty polygon [] replaced
by [[0.0, 0.0]] first) and filled with ONE cv2.fillPoly call. The label map is stored row-major as
run lengths [value, count, value, count, ...]; "areas" counts each object's value in the label map
(what is left of it after later objects), "alone_areas" its pixels when drawn alone. CI has no Python: the JSON is committed.
"""
import json
import os
import random

import cv2
import numpy as np


def visor_label_map(height, width, objects):
    img = np.zeros([height, width], dtype=np.uint8)
    for i, segments in enumerate(objects, start=1):
        ps = []
        for poly in segments:
            if poly == []:
                poly = [[0.0, 0.0]]
            ps.append(np.array(poly, dtype=np.int32))
        cv2.fillPoly(img, ps, (i, i, i))
    return img


def runs(img):
    flat = img.reshape(-1)
    out = []
    start = 0
    for k in range(1, len(flat) + 1):
        if k == len(flat) or flat[k] != flat[start]:
            out += [int(flat[start]), k - start]
            start = k
    return out


CASES = []


def case(name, height, width, objects):
    img = visor_label_map(height, width, objects)
    CASES.append({"name": name, "height": height, "width": width, "objects": objects,
                  "areas": [int((img == i).sum()) for i in range(1, len(objects) + 1)],
                  "alone_areas": [int((visor_label_map(height, width, [o]) == 1).sum()) for o in objects],
                  "runs": runs(img)})


def rect(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


H, W = 24, 32
case("convex-triangle", H, W, [[[[3.0, 2.0], [25.0, 6.0], [9.0, 20.0]]]])
case("convex-rectangle", H, W, [[rect(4.0, 3.0, 20.0, 15.0)]])
case("convex-rectangle-clockwise", H, W, [[rect(4.0, 3.0, 20.0, 15.0)[::-1]]])
case("concave-L", H, W, [[[[2, 2], [12, 2], [12, 8], [7, 8], [7, 20], [2, 20]]]])
case("concave-arrow", H, W, [[[[2, 12], [16, 2], [12, 10], [29, 12], [12, 14], [16, 22]]]])
case("self-intersecting-bowtie", H, W, [[[[3, 3], [27, 19], [27, 3], [3, 19]]]])
case("self-intersecting-star", H, W, [[[[16, 1], [22.5, 21], [5.5, 8.5], [26.5, 8.5], [9.5, 21]]]])
case("edge-touching", H, W, [[[[0, 0], [31, 0], [31, 23], [0, 23]]]])
case("edge-touching-left-top", H, W, [[[[0, 0], [10, 0], [0, 10]]]])
case("edge-touching-right-bottom", H, W, [[[[31, 23], [20, 23], [31, 12]]]])
case("partly-out-left", H, W, [[[[-10, 4], [12, 2], [14, 18], [-6, 22]]]])
case("partly-out-right-bottom", H, W, [[[[20, 10], [45, 14], [38, 40], [16, 30]]]])
case("partly-out-all-sides", H, W, [[[[-8, 12], [16, -9], [41, 12], [16, 33]]]])
case("partly-out-far", H, W, [[[[-3000.5, -2000.25], [15, 10], [4000, 30]]]])
case("fully-out-right", H, W, [[[[40, 2], [60, 5], [50, 20]]]])
case("fully-out-negative", H, W, [[[[-20, -2], [-5, -9], [-12, -20]]]])
case("fully-out-below", H, W, [[[[4, 30], [20, 25], [12, 40]]]])
case("tiny-subpixel", H, W, [[[[5.2, 5.7], [5.9, 5.1], [5.5, 5.95]]]])
case("tiny-2px", H, W, [[[[5, 5], [6, 5], [6, 6]]]])
case("tiny-horizontal-sliver", H, W, [[[[3, 7], [20, 7], [20, 7.9]]]])
case("multi-overlapping-rects", H, W, [[rect(2, 2, 16, 14), rect(10, 8, 28, 21)]])
case("multi-nested-hole", H, W, [[rect(2, 2, 28, 21), rect(9, 7, 20, 15)]])
case("multi-nested-hole-opposite-orientation", H, W, [[rect(2, 2, 28, 21), rect(9, 7, 20, 15)[::-1]]])
case("multi-disjoint", H, W, [[rect(1, 1, 6, 6), [[20, 3], [30, 10], [18, 20]]]])
case("multi-three-overlapping", H, W, [[rect(2, 2, 14, 14), rect(8, 5, 22, 18), rect(12, 9, 29, 22)]])
case("empty-polygon-only", H, W, [[[]]])
case("empty-polygon-and-rect", H, W, [[[], rect(6, 6, 14, 12)]])
case("no-polygons", H, W, [[]])
case("one-point", H, W, [[[[7.8, 9.2]]]])
case("one-point-out-of-frame", H, W, [[[[70.0, 9.0]]]])
case("two-points-diagonal", H, W, [[[[3.5, 2.2], [25.9, 17.6]]]])
case("two-points-steep", H, W, [[[[10, 1], [13, 22]]]])
case("two-points-horizontal", H, W, [[[[2, 11], [29, 11]]]])
case("two-points-and-triangle", H, W, [[[[1, 20], [30, 1]], [[5, 5], [15, 5], [10, 15]]]])
case("fractional-truncation", H, W, [[[[2.99, 2.99], [20.999, 3.5], [20.5, 15.999], [3.01, 15.2]]]])
case("fractional-negative", H, W, [[[[-0.9, -0.99], [12.7, -0.5], [12.2, 10.6], [-0.5, 10.1]]]])
case("fractional-negative-beyond-one", H, W, [[[[-1.5, 4.5], [9.5, -1.9], [14.4, 14.4]]]])
case("repeated-vertex", H, W, [[[[4, 4], [4, 4], [20, 6], [20, 6], [8, 18]]]])
case("collinear-degenerate", H, W, [[[[2, 2], [10, 10], [18, 18]]]])
case("label-map-overlaps", H, W, [
    [rect(2, 2, 18, 16)],
    [[[10, 6], [30, 4], [26, 22], [12, 20]]],
    [rect(14, 10, 20, 14), []],
    [[[0, 23], [8, 12], [16, 23]]],
    [[[15.5, 0.5]]],
])
case("label-map-hand-over-object", 48, 64, [
    [rect(10.2, 8.7, 50.6, 40.1)],
    [[[30, 20], [63, 15], [70, 47], [40, 50], [28, 34]]],
])

# A 1920x1080 frame (sparse VISOR resolution) with a many-vertex polygon and one far outside.
rng = random.Random(15)
circle = [[960 + 400 * np.cos(t) + rng.uniform(-30, 30), 540 + 300 * np.sin(t) + rng.uniform(-30, 30)]
          for t in np.linspace(0, 2 * np.pi, 97)[:-1]]
circle = [[round(float(x), 2), round(float(y), 2)] for x, y in circle]
case("full-hd-blob", 1080, 1920, [[circle, [[1800.4, 900.1], [2100.0, 1000.5], [1850.0, 1300.0]]]])
case("dense-854x480", 480, 854, [[[[100.5, 50.2], [700.9, 80.3], [820.1, 470.8], [60.2, 400.4], [300, 200]]],
                                 [rect(400.5, 100.5, 900.5, 300.5)]])

# Random objects: 1-3 polygons of 1-9 vertices, coordinates around and beyond a small frame.
for k in range(300):
    h, w = rng.choice([(16, 16), (20, 31), (33, 27)])
    objects = []
    for _ in range(rng.randint(1, 3)):
        segs = []
        for _ in range(rng.randint(1, 3)):
            n = rng.choice([1, 2, 3, 3, 4, 4, 5, 6, 7, 9])
            if k % 10 == 0:
                lo, hi = -4 * max(h, w), 5 * max(h, w)
            else:
                lo, hi = -0.4 * max(h, w), 1.4 * max(h, w)
            segs.append([[round(rng.uniform(lo, hi), 2), round(rng.uniform(lo, hi), 2)] for _ in range(n)])
        objects.append(segs)
    case("random-%03d" % k, h, w, objects)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "raster_fixtures.json")
with open(out, "w") as f:
    json.dump({"about": "VISOR label maps drawn by OpenCV %s cv2.fillPoly (make_raster_fixtures.py); "
                        "runs are row-major [value, count, ...]" % cv2.__version__,
               "opencv": cv2.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print("wrote", out, len(CASES), "cases")
