#!/usr/bin/env python3
"""PyTorch side of the decoder benchmark (the Java side is Sam2FitBenchmark): the reference decoder of
make_parity.py at a preset's size, one training step = forward + BCE on the selected mask + backward +
Adam, timed like the Java benchmark. Usage: /usr/bin/python3 bench_torch.py [full|small] BATCH REPEATS
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_parity as mp  # noqa: E402

FULL = dict(width=256, depth=2, heads=8, mlp_dim=2048, attn_downsample=2, grid=64,
            num_mask_tokens=4, prompt_in=2048, prompt_hidden=2048, iou_hidden=256)


def main():
    preset, batch, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cfg = FULL if preset == "full" else mp.CFG
    # Debian's torch may start with one thread; use the cores (or TORCH_THREADS) like the Java side.
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count())))
    torch.manual_seed(0)
    model = mp.Sa2VADecoder(cfg)
    c, g = cfg["width"], cfg["grid"]
    image, seg = torch.randn(batch, c, g, g), torch.randn(batch, cfg["prompt_in"])
    s0, s1 = torch.randn(batch, c // 8, 4 * g, 4 * g), torch.randn(batch, c // 4, 2 * g, 2 * g)
    target = (s0[:, :1] > 0).float()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    fwd, fit = [], []
    for _ in range(repeats + 1):
        t = time.perf_counter()
        with torch.no_grad():
            model(image, s0, s1, seg)
        fwd.append(time.perf_counter() - t)
    for _ in range(repeats + 1):
        t = time.perf_counter()
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(image, s0, s1, seg)[3], target)
        loss.backward()
        opt.step()
        fit.append(time.perf_counter() - t)
    print(f"torch {torch.__version__} threads {torch.get_num_threads()} preset {preset} batch {batch}")
    print("forward s: first %.3f, then %s" % (fwd[0], [round(x, 3) for x in fwd[1:]]))
    print("step (fwd+bwd+Adam) s: first %.3f, then %s" % (fit[0], [round(x, 3) for x in fit[1:]]))


if __name__ == "__main__":
    main()
