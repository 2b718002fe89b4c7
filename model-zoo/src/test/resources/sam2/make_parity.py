#!/usr/bin/env python3
"""Parity fixture for org.egotune.model.sam2.Sam2Decoder: an independent PyTorch implementation of the
SAM2 mask decoder as Sa2VA drives it, written from SAM2's design (sam2/modeling/sam/mask_decoder.py,
transformer.py, prompt_encoder.py, position_encoding.py) and Sa2VA's [SEG] path, not from the Java code.

It builds the network at the SMALL size with random weights from a fixed seed, runs it on random
inputs at batch 2 and writes parity_small.safetensors beside this script:
  <Sa2VA key>          every weight the Java decoder names (same keys, PyTorch layouts)
  input.<name>         the decoder inputs, the loss target and presence label
  output.<name>        low_res_masks, iou_predictions, object_score_logits, mask_logits (selected)
  grad.<Sa2VA key>     d loss / d parameter for a few parameters in every block
  __metadata__         config, seed, torch version, the loss definition
The Java test (Sam2ParityTest) only reads the committed fixture: CI needs no torch.

Regenerate (Debian bookworm: apt-get install python3-torch python3-numpy):
  /usr/bin/python3 model-zoo/src/test/resources/sam2/make_parity.py
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 6
BATCH = 2
# Must equal Sam2DecoderConfig.small().
CFG = dict(width=32, depth=2, heads=8, mlp_dim=64, attn_downsample=2, grid=16,
           num_mask_tokens=4, prompt_in=64, prompt_hidden=64, iou_hidden=32)


class MLP(nn.Module):
    def __init__(self, dims, sigmoid_output=False):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.sigmoid_output = sigmoid_output

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return torch.sigmoid(x) if self.sigmoid_output else x


class Attention(nn.Module):
    def __init__(self, dim, heads, downsample=1):
        super().__init__()
        inner = dim // downsample
        self.heads = heads
        self.q_proj = nn.Linear(dim, inner)
        self.k_proj = nn.Linear(dim, inner)
        self.v_proj = nn.Linear(dim, inner)
        self.out_proj = nn.Linear(inner, dim)

    def split(self, x):
        b, n, c = x.shape
        return x.reshape(b, n, self.heads, c // self.heads).transpose(1, 2)

    def forward(self, q, k, v):
        q, k, v = self.split(self.q_proj(q)), self.split(self.k_proj(k)), self.split(self.v_proj(v))
        # torch 1.13 has no scaled_dot_product_attention; this is its math path.
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
        o = (att @ v).transpose(1, 2)
        b, n, h, d = o.shape
        return self.out_proj(o.reshape(b, n, h * d))


class Block(nn.Module):
    def __init__(self, c, heads, mlp_dim, down, skip_first_layer_pe):
        super().__init__()
        self.self_attn = Attention(c, heads)
        self.norm1 = nn.LayerNorm(c)
        self.cross_attn_token_to_image = Attention(c, heads, down)
        self.norm2 = nn.LayerNorm(c)
        self.mlp = MLP([c, mlp_dim, c])
        self.norm3 = nn.LayerNorm(c)
        self.norm4 = nn.LayerNorm(c)
        self.cross_attn_image_to_token = Attention(c, heads, down)
        self.skip_first_layer_pe = skip_first_layer_pe

    def forward(self, queries, keys, query_pe, key_pe):
        if self.skip_first_layer_pe:
            queries = self.self_attn(queries, queries, queries)
        else:
            q = queries + query_pe
            queries = queries + self.self_attn(q, q, queries)
        queries = self.norm1(queries)
        q, k = queries + query_pe, keys + key_pe
        queries = self.norm2(queries + self.cross_attn_token_to_image(q, k, keys))
        queries = self.norm3(queries + self.mlp(queries))
        q, k = queries + query_pe, keys + key_pe
        keys = self.norm4(keys + self.cross_attn_image_to_token(k, q, queries))
        return queries, keys


class TwoWayTransformer(nn.Module):
    def __init__(self, c, depth, heads, mlp_dim, down):
        super().__init__()
        self.layers = nn.ModuleList(Block(c, heads, mlp_dim, down, i == 0) for i in range(depth))
        self.final_attn_token_to_image = Attention(c, heads, down)
        self.norm_final_attn = nn.LayerNorm(c)

    def forward(self, image, image_pe, tokens):
        keys = image.flatten(2).permute(0, 2, 1)
        key_pe = image_pe.flatten(2).permute(0, 2, 1)
        queries = tokens
        for layer in self.layers:
            queries, keys = layer(queries, keys, tokens, key_pe)
        q, k = queries + tokens, keys + key_pe
        queries = self.norm_final_attn(queries + self.final_attn_token_to_image(q, k, keys))
        return queries, keys


class LayerNorm2d(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class PeLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.register_buffer("positional_encoding_gaussian_matrix", torch.randn(2, c // 2))

    def forward(self, g):
        ones = torch.ones(g, g)
        y = (ones.cumsum(0) - 0.5) / g
        x = (ones.cumsum(1) - 0.5) / g
        coords = 2 * torch.stack([x, y], dim=-1) - 1
        coords = 2 * np.pi * (coords @ self.positional_encoding_gaussian_matrix)
        return torch.cat([torch.sin(coords), torch.cos(coords)], dim=-1).permute(2, 0, 1)


class PromptEncoder(nn.Module):
    """Only what Sa2VA's [SEG] path touches: PE, not-a-point (label -1) and no-mask embeddings."""

    def __init__(self, c):
        super().__init__()
        self.pe_layer = PeLayer(c)
        self.not_a_point_embed = nn.Embedding(1, c)
        self.no_mask_embed = nn.Embedding(1, c)


class MaskDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c, m = cfg["width"], cfg["num_mask_tokens"]
        self.transformer = TwoWayTransformer(c, cfg["depth"], cfg["heads"], cfg["mlp_dim"], cfg["attn_downsample"])
        self.iou_token = nn.Embedding(1, c)
        self.mask_tokens = nn.Embedding(m, c)
        self.obj_score_token = nn.Embedding(1, c)
        self.output_upscaling = nn.Sequential(
            nn.ConvTranspose2d(c, c // 4, 2, stride=2), LayerNorm2d(c // 4), nn.GELU(),
            nn.ConvTranspose2d(c // 4, c // 8, 2, stride=2), nn.GELU())
        self.conv_s0 = nn.Conv2d(c, c // 8, 1)
        self.conv_s1 = nn.Conv2d(c, c // 4, 1)
        self.output_hypernetworks_mlps = nn.ModuleList(MLP([c, c, c, c // 8]) for _ in range(m))
        self.iou_prediction_head = MLP([c, cfg["iou_hidden"], cfg["iou_hidden"], m], sigmoid_output=True)
        self.pred_obj_score_head = MLP([c, c, c, 1])

    def forward(self, image, image_pe, sparse, dense, s0, s1):
        b = image.shape[0]
        out_tokens = torch.cat([self.obj_score_token.weight, self.iou_token.weight, self.mask_tokens.weight], 0)
        tokens = torch.cat([out_tokens.unsqueeze(0).expand(b, -1, -1), sparse], 1)
        src = image + dense
        _, c, h, w = src.shape
        hs, src = self.transformer(src, image_pe.expand(b, -1, -1, -1), tokens)
        src = src.transpose(1, 2).reshape(b, c, h, w)
        dc1, ln1, act1, dc2, act2 = self.output_upscaling
        up = act1(ln1(dc1(src) + s1))
        up = act2(dc2(up) + s0)
        m = self.mask_tokens.weight.shape[0]
        hyper = torch.stack([self.output_hypernetworks_mlps[i](hs[:, 2 + i]) for i in range(m)], 1)
        bb, cc, hh, ww = up.shape
        masks = (hyper @ up.reshape(bb, cc, hh * ww)).reshape(bb, m, hh, ww)
        return masks, self.iou_prediction_head(hs[:, 1]), self.pred_obj_score_head(hs[:, 0])


class Sa2VADecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.grounding_encoder = nn.Module()
        self.grounding_encoder.sam2_model = nn.Module()
        self.grounding_encoder.sam2_model.sam_mask_decoder = MaskDecoder(cfg)
        self.grounding_encoder.sam2_model.sam_prompt_encoder = PromptEncoder(cfg["width"])
        self.text_hidden_fcs = nn.Sequential(
            nn.Linear(cfg["prompt_in"], cfg["prompt_hidden"]), nn.ReLU(inplace=True),
            nn.Linear(cfg["prompt_hidden"], cfg["width"]), nn.Dropout(0.0))
        self.grid = cfg["grid"]

    def forward(self, image, s0, s1, seg):
        sam = self.grounding_encoder.sam2_model
        pe = sam.sam_prompt_encoder
        b = image.shape[0]
        lang = self.text_hidden_fcs(seg)[:, None]
        # Sa2VA: an empty point (label -1) padded with another label -1 point: both become not_a_point.
        sparse = torch.cat([pe.not_a_point_embed.weight.expand(b, 2, -1), lang], 1)
        dense = pe.no_mask_embed.weight.reshape(1, -1, 1, 1)
        masks, iou, obj = sam.sam_mask_decoder(image, pe.pe_layer(self.grid)[None], sparse, dense, s0, s1)
        multi, multi_iou = masks[:, 1:], iou[:, 1:]
        best = torch.argmax(multi_iou, dim=-1)
        chosen = multi[torch.arange(b), best].unsqueeze(1)
        return masks, iou, obj, chosen, multi_iou


GRAD_KEYS = [
    "text_hidden_fcs.0.weight",
    "text_hidden_fcs.2.bias",
    "grounding_encoder.sam2_model.sam_prompt_encoder.not_a_point_embed.weight",
    "grounding_encoder.sam2_model.sam_prompt_encoder.no_mask_embed.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.mask_tokens.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.obj_score_token.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.layers.0.self_attn.q_proj.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.layers.0.cross_attn_token_to_image.k_proj.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.layers.0.mlp.layers.0.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.layers.1.self_attn.v_proj.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.layers.1.cross_attn_image_to_token.v_proj.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.layers.1.norm4.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.final_attn_token_to_image.out_proj.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.transformer.norm_final_attn.bias",
    "grounding_encoder.sam2_model.sam_mask_decoder.output_upscaling.0.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.output_upscaling.1.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.output_upscaling.3.weight",
    "grounding_encoder.sam2_model.sam_mask_decoder.output_upscaling.3.bias",
    "grounding_encoder.sam2_model.sam_mask_decoder.pred_obj_score_head.layers.0.weight",
]


def write_safetensors(path, tensors, metadata):
    header, blobs, off = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(SEED)
    model = Sa2VADecoder(CFG)
    # Default LayerNorm init (1, 0) would hide a swapped weight/bias: perturb every norm parameter.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or "output_upscaling.1" in name:
                p.add_(0.2 * torch.randn_like(p))
    c, g = CFG["width"], CFG["grid"]
    image = torch.randn(BATCH, c, g, g)
    s0 = torch.randn(BATCH, c // 8, 4 * g, 4 * g)
    s1 = torch.randn(BATCH, c // 4, 2 * g, 2 * g)
    seg = torch.randn(BATCH, CFG["prompt_in"])
    target = (torch.rand(BATCH, 1, 4 * g, 4 * g) > 0.7).float()
    presence = torch.tensor([[1.0], [0.0]])

    masks, iou, obj, chosen, multi_iou = model(image, s0, s1, seg)
    top2 = multi_iou.topk(2, dim=-1).values
    margin = float((top2[:, 0] - top2[:, 1]).min())
    assert margin > 1e-3, f"best-IoU margin {margin} too small for a stable selection: change SEED"
    # The loss the Java test reproduces: mean sigmoid BCE over the selected mask plus mean BCE of the
    # object-score logit against the presence label.
    loss = F.binary_cross_entropy_with_logits(chosen, target) + F.binary_cross_entropy_with_logits(obj, presence)
    loss.backward()

    params = dict(model.named_parameters())
    tensors = {}
    for k, v in model.state_dict().items():
        tensors[k] = v
    for k, v in [("image_embeddings", image), ("high_res_feat_s0", s0), ("high_res_feat_s1", s1),
                 ("seg_hidden_state", seg), ("target", target), ("presence", presence)]:
        tensors["input." + k] = v
    for k, v in [("low_res_masks", masks), ("iou_predictions", iou), ("object_score_logits", obj),
                 ("mask_logits", chosen), ("loss", loss.reshape(1))]:
        tensors["output." + k] = v
    for k in GRAD_KEYS:
        tensors["grad." + k] = params[k].grad
    meta = {"config": json.dumps(CFG), "seed": str(SEED), "batch": str(BATCH), "torch": torch.__version__,
            "loss": "bce_with_logits(mask_logits, target) + bce_with_logits(object_score_logits, presence)",
            "best_iou_margin": repr(margin), "generator": "make_parity.py"}
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity_small.safetensors")
    write_safetensors(out, tensors, meta)
    print(f"wrote {out}: {len(tensors)} tensors, {os.path.getsize(out)} bytes, loss {loss.item():.6f}, "
          f"best-IoU margin {margin:.4g}, best {multi_iou.argmax(-1).tolist()}")


if __name__ == "__main__":
    main()
