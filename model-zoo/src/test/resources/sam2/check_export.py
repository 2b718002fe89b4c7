#!/usr/bin/env python3
"""Checks the export direction by hand (CI has no torch): loads a file written by Sam2ExportSample
into the PyTorch reference decoder of make_parity.py with load_state_dict(strict=True), i.e. by Sa2VA
key with no missing or unexpected names, runs the inputs stored beside the weights and compares with
the Java outputs. Usage: /usr/bin/python3 check_export.py FILE
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_parity as mp  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    out = {}
    for k, v in header.items():
        assert v["dtype"] == "F32", (k, v["dtype"])
        b, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").copy().reshape(v["shape"]))
    return out


def main():
    t = read_safetensors(sys.argv[1])
    weights = {k: v for k, v in t.items() if not k.startswith(("input.", "output."))}
    model = mp.Sa2VADecoder(mp.CFG)
    model.load_state_dict(weights, strict=True)
    with torch.no_grad():
        masks, iou, obj, chosen, _ = model(*(t["input." + k] for k in
                                            ["image_embeddings", "high_res_feat_s0", "high_res_feat_s1", "seg_hidden_state"]))
    worst = 0.0
    for name, ref in [("low_res_masks", masks), ("iou_predictions", iou), ("object_score_logits", obj), ("mask_logits", chosen)]:
        got = t["output." + name]
        assert got.shape == ref.shape, (name, got.shape, ref.shape)
        err = float((got - ref).abs().max())
        scale = float(ref.abs().max())
        worst = max(worst, err / max(scale, 1e-12))
        print(f"{name}: max abs {err:.3g} (scale {scale:.3g})")
    print(f"{len(weights)} tensors loaded strictly by name; worst abs/scale {worst:.3g}")
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
