#!/usr/bin/env python3
"""PyTorch side of `egotune bench decoder`: the reference decoder of make_parity.py, one training step =
forward + sigmoid BCE on the selected mask + backward + AdamW, exactly the step the Java side times.

`egotune bench decoder` starts this script once with --serve and alternates with the Java side. It
writes one line per request on stdin and reads one JSON line back:
  request  {"cfg": {width, depth, heads, mlp_dim, attn_downsample, grid, num_mask_tokens, prompt_in,
                    prompt_hidden, iou_hidden}, "batch": B, "steps": N, "lr": 1e-4, "weight_decay": 0.01}
  reply    {"ms": [N step times in milliseconds]}
The model, optimizer and inputs are built on the first request for a (cfg, batch) and reused.

By hand: /usr/bin/python3 bench_torch.py [full|small] BATCH REPEATS   (prints step times)
         /usr/bin/python3 bench_torch.py --matmul [THREADS]            (which BLAS, and its GFLOP/s)
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_parity as mp  # noqa: E402

FULL = dict(width=256, depth=2, heads=8, mlp_dim=2048, attn_downsample=2, grid=64,
            num_mask_tokens=4, prompt_in=2048, prompt_hidden=2048, iou_hidden=256)


class Setup:
    """A decoder, AdamW and one fixed random batch with the Java side's learnable target."""

    def __init__(self, cfg, batch, lr, weight_decay):
        torch.manual_seed(0)
        self.model = mp.Sa2VADecoder(cfg)
        c, g = cfg["width"], cfg["grid"]
        self.inputs = (torch.randn(batch, c, g, g), torch.randn(batch, c // 8, 4 * g, 4 * g),
                       torch.randn(batch, c // 4, 2 * g, 2 * g), torch.randn(batch, cfg["prompt_in"]))
        self.target = (self.inputs[1][:, :1] > 0).float()
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=weight_decay, eps=1e-8)

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(self.model(*self.inputs)[3], self.target)
        loss.backward()
        self.opt.step()


def serve(threads):
    torch.set_num_threads(threads)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "blas": blas_library()}), flush=True)
    setups = {}
    for line in sys.stdin:
        req = json.loads(line)
        key = json.dumps([req["cfg"], req["batch"]], sort_keys=True)
        if key not in setups:
            setups.clear()  # one model at a time: the full one holds about 1 GB
            setups[key] = Setup(req["cfg"], req["batch"], req.get("lr", 1e-4), req.get("weight_decay", 0.01))
        s = setups[key]
        ms = []
        for _ in range(req["steps"]):
            t = time.perf_counter()
            s.step()
            ms.append((time.perf_counter() - t) * 1e3)
        print(json.dumps({"ms": ms}), flush=True)


def blas_library():
    """The BLAS this process loaded (Debian's libblas.so.3 alternative: reference or OpenBLAS)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line or "lapack" in line}
        return sorted(os.path.realpath(p) for p in libs if p.startswith("/"))
    except OSError:
        return []


def matmul(threads):
    """A 1024^3 float32 matmul: about 4 GFLOP/s with Debian's reference BLAS, 100+ with OpenBLAS on 2 cores."""
    torch.set_num_threads(threads)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    for _ in range(3):
        a @ b
    times = []
    for _ in range(5):
        t = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t)
    best = min(times)
    print(f"BLAS {blas_library()} threads {threads}: 1024^3 matmul best {best * 1e3:.1f} ms, "
          f"{2 * 1024 ** 3 / best / 1e9:.1f} GFLOP/s")


def main():
    if sys.argv[1:2] == ["--matmul"]:
        matmul(int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count())
        return
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count())
        return
    preset, batch, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count())))
    s = Setup(FULL if preset == "full" else mp.CFG, batch, 1e-4, 0.01)
    fit = []
    for _ in range(repeats + 1):
        t = time.perf_counter()
        s.step()
        fit.append(time.perf_counter() - t)
    print(f"torch {torch.__version__} threads {torch.get_num_threads()} preset {preset} batch {batch} blas {blas_library()}")
    print("step (fwd+bwd+AdamW) s: first %.3f, then %s" % (fit[0], [round(x, 3) for x in fit[1:]]))


if __name__ == "__main__":
    main()
