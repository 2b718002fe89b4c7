#!/usr/bin/env python3
"""Parity fixture for org.egotune.model.depth.DepthHead: OUR PyTorch implementation of EgoDTM's depth
decoder, written from the layer-by-layer description in shared/NVOS_AND_DEPTH.md part B.2 (and the
names listed there), not from the authors' code. Nothing here is imported from EgoDTM.

It builds the network at the SMALL size (DepthHeadConfig.small()) with random weights from a fixed
seed, runs it on random patch tokens at batch 2 and writes parity_small.safetensors beside this script:
  <release key>            every weight, by the release's state-dict name, in PyTorch layouts
  input.patch_tokens       [B, T, g*g, D] frame-major patch tokens
  input.depth_target       [B, T, 4g, 4g] inverse-depth target in [0, 1]
  output.depth             [B, T, 4g, 4g] the last layer's prediction (release flags)
  output.depth_aux_<i>     the earlier predictions (i = 0: the initial queries, before any layer)
  output.bin_centers       [B, Q]
  output.loss              MSE(depth, target)
  output.loss_deep         sum over all predictions of MSE(prediction, target) (deep supervision)
  output.depth_plain_value    depth with V of the self-attention taken WITHOUT the query position
  output.depth_memory_pos     depth with the sine 3-D position encoding added to the memory keys
  grad.<release key>       d loss / d parameter for a few parameters in every block (loss = output.loss)
  __metadata__             config, seed, torch version, loss definition
The Java test (DepthParityTest) only reads the committed fixture: CI needs no torch.

Regenerate (Debian bookworm: apt-get install python3-torch python3-numpy):
  /usr/bin/python3 model-zoo/src/test/resources/depth/make_parity.py
It also prints the parameter count of the released configuration (9,786,561 by the spec's arithmetic).
"""
import importlib.util
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 11
BATCH = 2
# Must equal DepthHeadConfig.small().
SMALL = dict(in_dim=64, width=32, grid=8, frames=4, queries=8, layers=2, heads=4, ffn=64, bin_floor=0.1)
RELEASED = dict(in_dim=768, width=256, grid=14, frames=4, queries=8, layers=5, heads=8, ffn=2048, bin_floor=0.1)


def _sam2_fixture_module():
    """The SAM2 fixture script beside this one: its LayerNorm2d and safetensors writer are reused."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sam2", "make_parity.py")
    spec = importlib.util.spec_from_file_location("sam2_make_parity", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SAM2 = _sam2_fixture_module()
# LayerNorm over the channel axis of NCHW maps, eps 1e-6 (B.2 step 2): the same module as SAM2's.
LayerNorm2d = _SAM2.LayerNorm2d
# F32 tensors in dict order, header padded to 8 bytes.
write_safetensors = _SAM2.write_safetensors


class ConvNorm(nn.Module):
    """A convolution without bias followed by a channel LayerNorm, no activation; keys weight, norm.*."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(cout, cin, k, k))
        nn.init.xavier_uniform_(self.weight)
        self.norm = LayerNorm2d(cout)
        self.pad = k // 2

    def forward(self, x):
        return self.norm(F.conv2d(x, self.weight, None, padding=self.pad))


class Pyramid(nn.Module):
    """simfp_2 (x4): deconv, LN2d, GELU, deconv, 1x1+LN, 3x3+LN; simfp_4 (x1): 1x1+LN, 3x3+LN."""

    def __init__(self, c):
        super().__init__()
        self.simfp_2 = nn.Sequential(
            nn.ConvTranspose2d(c, c // 2, 2, 2), LayerNorm2d(c // 2), nn.GELU(),
            nn.ConvTranspose2d(c // 2, c // 4, 2, 2), ConvNorm(c // 4, c, 1), ConvNorm(c, c, 3))
        self.simfp_4 = nn.Sequential(ConvNorm(c, c, 1), ConvNorm(c, c, 3))


class MHAFused(nn.Module):
    """Self-attention with one fused projection Wqkv [3C, C] (+bias) and out_proj."""

    def __init__(self, c):
        super().__init__()
        self.Wqkv = nn.Linear(c, 3 * c)
        self.out_proj = nn.Linear(c, c)


class SelfLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = MHAFused(c)
        self.norm = nn.LayerNorm(c)


class CrossLayer(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.multihead_attn = nn.MultiheadAttention(c, heads)
        self.norm = nn.LayerNorm(c)


class Mlp(nn.Module):
    def __init__(self, c, hidden):
        super().__init__()
        self.fc1 = nn.Linear(c, hidden)
        self.fc2 = nn.Linear(hidden, c)


class FfnLayer(nn.Module):
    def __init__(self, c, hidden):
        super().__init__()
        self.mlp = Mlp(c, hidden)
        self.norm = nn.LayerNorm(c)


class MaskMlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(c, c) for _ in range(3))


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["width"]
        self.transformer_self_attention_layers = nn.ModuleList(SelfLayer(c) for _ in range(cfg["layers"]))
        self.transformer_cross_attention_layers = nn.ModuleList(
            CrossLayer(c, cfg["heads"]) for _ in range(cfg["layers"]))
        self.transformer_ffn_layers = nn.ModuleList(FfnLayer(c, cfg["ffn"]) for _ in range(cfg["layers"]))
        self.decoder_norm = nn.LayerNorm(c)
        self.query_feat = nn.Embedding(cfg["queries"], c)
        self.query_embed = nn.Embedding(cfg["queries"], c)
        self.class_embed = nn.Linear(c, 1)
        self.mask_embed = MaskMlp(c)


def attend(q, k, v, heads):
    """softmax(q k^T / sqrt(d)) v per head; q [B, Nq, C], k/v [B, Nk, C]."""
    b, nq, c = q.shape
    d = c // heads
    split = lambda t: t.reshape(b, t.shape[1], heads, d).transpose(1, 2)
    a = torch.softmax(split(q) @ split(k).transpose(-1, -2) / math.sqrt(d), dim=-1)
    return (a @ split(v)).transpose(1, 2).reshape(b, nq, c)


def sine_position_3d(frames, grid, c):
    """Sine encoding of (t, y, x) over a [frames, grid, grid] memory, as [frames*grid*grid, c]:
    y in channels [0, c/2), x in [c/2, c), each sin/cos interleaved at frequencies 10000^(2k/(c/2));
    t over all c channels at 10000^(2k/c); coordinates are 1-based positions scaled to (0, 2 pi]."""
    f = c // 2
    eps = 1e-6
    pos = lambda n: torch.arange(1, n + 1, dtype=torch.float32) / (n + eps) * (2 * math.pi)

    def enc(p, nf):
        k = torch.arange(nf, dtype=torch.float32)
        a = p[:, None] / (10000 ** (2 * torch.div(k, 2, rounding_mode="floor") / nf))
        out = torch.empty_like(a)
        out[:, 0::2] = a[:, 0::2].sin()
        out[:, 1::2] = a[:, 1::2].cos()
        return out

    ey, ex, et = enc(pos(grid), f), enc(pos(grid), f), enc(pos(frames), c)
    out = torch.zeros(frames, grid, grid, c)
    out[..., :f] += ey[None, :, None, :]
    out[..., f:] += ex[None, None, :, :]
    out += et[:, None, None, :]
    return out.reshape(frames * grid * grid, c)


class DepthHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["width"]
        self.cfg = cfg
        self.input_proj = nn.Linear(cfg["in_dim"], c)
        self.fpn = Pyramid(c)
        self.mask_features = nn.Conv2d(c, c, 1)
        self.decoder = Decoder(cfg)

    def head(self, x, mf):
        """Prediction head: x [B, Q, C] queries, mf [B, T, C, S, S] -> depth [B, T, S, S], centres [B, Q]."""
        dec = self.decoder
        y = dec.decoder_norm(x)
        bins = dec.class_embed(y)[..., 0]  # [B, Q]
        m = y
        for i, lin in enumerate(dec.mask_embed.layers):
            m = lin(m)
            if i < 2:
                m = F.relu(m)
        logits = torch.einsum("bqc,btchw->bqthw", m, mf)
        w = F.relu(bins) + self.cfg["bin_floor"]
        w = w / w.sum(1, keepdim=True)
        edges = torch.cumsum(F.pad(w, (1, 0)), 1)
        centres = 0.5 * (edges[:, :-1] + edges[:, 1:])
        p = torch.softmax(logits, 1)
        return (p * centres[:, :, None, None, None]).sum(1), centres

    def forward(self, tokens, value_with_pos=True, memory_pos=False):
        cfg = self.cfg
        b, t, n, _ = tokens.shape
        g, c, h = cfg["grid"], cfg["width"], cfg["heads"]
        x = self.input_proj(tokens)  # [B, T, g*g, C]
        x = x.reshape(b * t, g, g, c).permute(0, 3, 1, 2)  # [B*T, C, g, g]
        p2 = self.fpn.simfp_2(x)
        p4 = self.fpn.simfp_4(x)
        mf = self.mask_features(p2)
        s = mf.shape[-1]
        mf = mf.reshape(b, t, c, s, s)
        memory = p4.reshape(b, t, c, g * g).permute(0, 1, 3, 2).reshape(b, t * g * g, c)
        keys = memory + sine_position_3d(t, g, c)[None] if memory_pos else memory
        dec = self.decoder
        qpos = dec.query_embed.weight[None].expand(b, -1, -1)
        out = dec.query_feat.weight[None].expand(b, -1, -1)
        preds = []
        d, centres = self.head(out, mf)
        preds.append(d)
        for i in range(cfg["layers"]):
            ca = dec.transformer_cross_attention_layers[i]
            wq, wk, wv = ca.multihead_attn.in_proj_weight.chunk(3)
            bq, bk, bv = ca.multihead_attn.in_proj_bias.chunk(3)
            a = attend(F.linear(out + qpos, wq, bq), F.linear(keys, wk, bk), F.linear(memory, wv, bv), h)
            out = ca.norm(out + ca.multihead_attn.out_proj(a))
            sa = dec.transformer_self_attention_layers[i]
            qkv = F.linear(out + qpos, sa.self_attn.Wqkv.weight, sa.self_attn.Wqkv.bias)
            q, k, v = qkv.chunk(3, dim=-1)
            if not value_with_pos:
                v = F.linear(out, sa.self_attn.Wqkv.weight[2 * c:], sa.self_attn.Wqkv.bias[2 * c:])
            out = sa.norm(out + sa.self_attn.out_proj(attend(q, k, v, h)))
            ff = dec.transformer_ffn_layers[i]
            out = ff.norm(out + ff.mlp.fc2(F.relu(ff.mlp.fc1(out))))
            d, centres = self.head(out, mf)
            preds.append(d)
        return preds, centres


GRAD_KEYS = [
    "input_proj.weight",
    "fpn.simfp_2.0.weight",
    "fpn.simfp_2.1.bias",
    "fpn.simfp_2.3.bias",
    "fpn.simfp_2.4.norm.weight",
    "fpn.simfp_2.5.weight",
    "fpn.simfp_4.0.weight",
    "fpn.simfp_4.1.norm.bias",
    "mask_features.weight",
    "decoder.transformer_cross_attention_layers.0.multihead_attn.in_proj_weight",
    "decoder.transformer_cross_attention_layers.1.multihead_attn.out_proj.bias",
    "decoder.transformer_self_attention_layers.0.self_attn.Wqkv.weight",
    "decoder.transformer_self_attention_layers.1.norm.weight",
    "decoder.transformer_ffn_layers.1.mlp.fc1.weight",
    "decoder.query_feat.weight",
    "decoder.query_embed.weight",
    "decoder.class_embed.weight",
    "decoder.mask_embed.layers.2.weight",
]


def main():
    released = sum(p.numel() for p in DepthHead(RELEASED).parameters())
    print(f"released configuration: {released:,} parameters")
    torch.manual_seed(SEED)
    cfg = SMALL
    model = DepthHead(cfg)
    # Unit LayerNorms, zero biases and one bin width would hide swapped or ignored tensors: perturb them.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or name.endswith("bias") or "fpn.simfp_2.1" in name:
                p.add_(0.2 * torch.randn_like(p))
        model.decoder.class_embed.bias.add_(1.0)
    g, t = cfg["grid"], cfg["frames"]
    tokens = torch.randn(BATCH, t, g * g, cfg["in_dim"])
    target = torch.rand(BATCH, t, 4 * g, 4 * g)
    preds, centres = model(tokens)
    loss = F.mse_loss(preds[-1], target)
    loss_deep = sum(F.mse_loss(p, target) for p in preds)
    loss.backward()
    params = dict(model.named_parameters())
    tensors = dict(model.state_dict())
    tensors["input.patch_tokens"] = tokens
    tensors["input.depth_target"] = target
    tensors["output.depth"] = preds[-1]
    for i, p in enumerate(preds[:-1]):
        tensors[f"output.depth_aux_{i}"] = p
    tensors["output.bin_centers"] = centres
    tensors["output.loss"] = loss.reshape(1)
    tensors["output.loss_deep"] = loss_deep.reshape(1)
    with torch.no_grad():
        tensors["output.depth_plain_value"] = model(tokens, value_with_pos=False)[0][-1]
        tensors["output.depth_memory_pos"] = model(tokens, memory_pos=True)[0][-1]
    for k in GRAD_KEYS:
        tensors["grad." + k] = params[k].grad
    meta = {"config": json.dumps(cfg), "seed": str(SEED), "batch": str(BATCH), "torch": torch.__version__,
            "loss": "mse_loss(depth, depth_target) (mean over all pixels)", "generator": "make_parity.py",
            "released_parameters": str(released)}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity_small.safetensors")
    write_safetensors(out, tensors, meta)
    print(f"wrote {out}: {len(tensors)} tensors, {os.path.getsize(out)} bytes, loss {loss.item():.6f}, "
          f"deep {loss_deep.item():.6f}, centres {centres[0].tolist()}")


if __name__ == "__main__":
    main()
