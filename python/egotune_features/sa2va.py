"""Real Sa2VA features for EgoTune's SAM2 presets, from a Hugging Face Sa2VA checkpoint in a local
directory, over the records ``egotune generate-features --export-records`` wrote.

    python3 -m egotune_features.sa2va --model /models/Sa2VA-4B \\
        --records EXPORT/egomask-train/records.jsonl --out SHARDS/features/egomask-train \\
        --dtype bf16 [--device cuda] [--preset sam2-decoder]

Per frame: SAM2's image embedding (backbone level 2 + ``no_mem_embed``, [256, 64, 64]) and the two
high-resolution levels after ``conv_s0`` / ``conv_s1`` ([32, 256, 256], [64, 128, 128]); per
expression: the LLM's last hidden state at the ``[SEG]`` token, before ``text_hidden_fcs`` ([2048]).

Only ``Sa2VAModel`` calls the model (transformers + torch, trust_remote_code); those lines are NOT
TESTED here (no weights on the build machine) and are listed in docs/models.md. Everything else (records,
order, the writer) is the code the tests run, through ``extract`` with any object that has a method
``record(record, images, which)``.
"""

import argparse
import json
import os

from .writer import FeatureShardWriter

PROMPT = "<image>Please segment {}."


def read_records(path):
    """The records of one source: dicts with source, video, expId, expression, frames and files
    (absolute paths)."""
    base = os.path.dirname(os.path.abspath(path))
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError as e:
                raise ValueError("%s line %d: not JSON: %s" % (path, n, e))
            for key in ("source", "video", "expId", "expression", "frames", "files"):
                if key not in r:
                    raise ValueError("%s line %d: lacks %r (expected the output of generate-features"
                                     " --export-records)" % (path, n, key))
            if len(r["frames"]) != len(r["files"]):
                raise ValueError("%s line %d: %d frames but %d files" % (path, n, len(r["frames"]), len(r["files"])))
            r["files"] = [os.path.join(base, p) for p in r["files"]]
            out.append(r)
    return out


def extract(records, model, writer, load_image):
    """Writes every frame once and every expression once, in record order (as the Java generator
    does). ``model.record(record, images, which)`` runs the model once on a record's frames (with its
    expression) and returns ({input: array} for each frame index in ``which``, the [SEG] state);
    ``load_image(path)`` reads a frame."""
    for r in records:
        which = [i for i, f in enumerate(r["frames"]) if not writer.has_frame(r["video"], f)]
        if not which and writer.has_expression(r["video"], r["expId"]):
            continue
        frames, seg = model.record(r, [load_image(p) for p in r["files"]], which)
        for i, feats in zip(which, frames):
            writer.add_frame(r["video"], r["frames"][i], feats)
        if not writer.has_expression(r["video"], r["expId"]):
            writer.add_expression(r["video"], r["expId"], {"seg_hidden_state": seg})
    return writer.finish(getattr(model, "describe", "external"))


class Sa2VAModel:
    """The Sa2VA calls. UNTESTED: written against Sa2VA's Hugging Face code (modeling_sa2va_chat.py,
    SAM2Base) without weights to run it; see docs/models.md."""

    def __init__(self, path, device):
        import torch  # noqa: F401  (the optional torch path: only this class needs it)
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.model = AutoModel.from_pretrained(path, torch_dtype=torch.bfloat16, trust_remote_code=True).eval().to(device)
        self.tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=True)
        self.sam2 = self.model.grounding_encoder.sam2_model
        self.describe = "Sa2VA %s (egotune_features.sa2va)" % os.path.basename(os.path.normpath(path))
        self._pixels = None
        self._seg = None
        # Sa2VA preprocesses the SAM2 input itself and applies text_hidden_fcs to the [SEG] states:
        # catch both on the way through predict_forward rather than re-implementing either.
        enc = self.model.grounding_encoder
        inner = enc.get_sam2_embeddings

        def catch_pixels(pixels, *a, **k):
            self._pixels = pixels
            return inner(pixels, *a, **k)

        enc.get_sam2_embeddings = catch_pixels
        self.model.text_hidden_fcs.register_forward_hook(lambda m, args, out: setattr(self, "_seg", args[0]))

    def record(self, record, images, which):
        expression = record["expression"]
        self._pixels, self._seg = None, None
        with self.torch.no_grad():
            self.model.predict_forward(video=images, text=PROMPT.format(expression), tokenizer=self.tokenizer)
            if self._seg is None or self._seg.shape[0] == 0 or self._pixels is None:
                raise RuntimeError("Sa2VA produced no [SEG] token for %r" % expression)
            frames = []
            for k in which:
                backbone = self.sam2.forward_image(self._pixels[k:k + 1])
                _, feats, _, sizes = self.sam2._prepare_backbone_features(backbone)
                c = feats[-1].shape[-1]
                h, w = sizes[-1]
                image = (feats[-1] + self.sam2.no_mem_embed).permute(1, 2, 0).reshape(1, c, h, w)
                hi = [x.permute(1, 2, 0).reshape(1, x.shape[-1], *s) for x, s in zip(feats[:-1], sizes[:-1])]
                frames.append({"image_embeddings": image, "high_res_feat_s0": hi[0], "high_res_feat_s1": hi[1]})
        return frames, self._seg[0]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="local directory of a Hugging Face Sa2VA checkpoint")
    p.add_argument("--records", required=True, help="<export>/<source>/records.jsonl")
    p.add_argument("--out", required=True, help="feature directory of the source: <shards>/features/<source>")
    p.add_argument("--preset", default="sam2-decoder", help="sam2-decoder (Sa2VA-4B's SAM2.1 decoder)")
    p.add_argument("--dtype", default="f32", choices=["f32", "bf16", "f16"])
    p.add_argument("--device", default="cuda")
    p.add_argument("--overwrite", action="store_true")
    a = p.parse_args(argv)
    from PIL import Image

    records = read_records(a.records)
    if not records:
        raise SystemExit("%s holds no records" % a.records)
    writer = FeatureShardWriter(a.out, records[0]["source"], a.preset, dtype=a.dtype, overwrite=a.overwrite)
    index = extract(records, Sa2VAModel(a.model, a.device), writer, lambda f: Image.open(f).convert("RGB"))
    print("features %s (%s, %s): %d frames, %d expressions in %d shards"
          % (index["source"], index["preset"], index["dtype"], len(index["frames"]), len(index["expressions"]),
             len(index["shards"])))


if __name__ == "__main__":
    main()
