#!/usr/bin/env python3
"""Safetensors interchange with the PyTorch reference decoder of make_parity.py, both directions.
Sam2TorchInteropTest runs it where /usr/bin/python3 has torch (CI has none: there the Java side checks
names and shapes only).

  check_export.py FILE          loads weights written by EgoTune into the reference with
                                load_state_dict(strict=True), i.e. by Sa2VA key with no missing or
                                unexpected names, runs the inputs stored beside them and compares with
                                the Java outputs stored beside them (exit 1 above 1e-4 of the scale)
  check_export.py --write FILE  writes the reference's own state_dict (a fresh init from SEED) with
                                random inputs and its outputs, for EgoTune to load by name
Debian 12 has no python3-safetensors, so both directions use this file's and make_parity.py's
reader and writer of the format (8-byte header length, JSON header, little-endian data).
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


def write_reference(path, seed=11):
    torch.manual_seed(seed)
    model = mp.Sa2VADecoder(mp.CFG)
    c, g = mp.CFG["width"], mp.CFG["grid"]
    inputs = {"image_embeddings": torch.randn(2, c, g, g), "high_res_feat_s0": torch.randn(2, c // 8, 4 * g, 4 * g),
              "high_res_feat_s1": torch.randn(2, c // 4, 2 * g, 2 * g), "seg_hidden_state": torch.randn(2, mp.CFG["prompt_in"])}
    with torch.no_grad():
        masks, iou, obj, chosen, _ = model(*inputs.values())
    tensors = dict(model.state_dict())
    tensors.update({"input." + k: v for k, v in inputs.items()})
    tensors.update({"output.low_res_masks": masks, "output.iou_predictions": iou,
                    "output.object_score_logits": obj, "output.mask_logits": chosen})
    mp.write_safetensors(path, tensors, {"format": "pt", "writer": "check_export.py", "torch": torch.__version__})
    print(f"wrote {len(model.state_dict())} state_dict tensors and the reference outputs to {path}")


def main():
    if sys.argv[1] == "--write":
        write_reference(sys.argv[2])
        return
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
