"""The feature shard writer: the Python twin of org.egotune.trainer.features.FeatureShardWriter."""

import hashlib
import json
import os
import shutil
import struct
import uuid
import zlib

import numpy as np

FORMAT_VERSION = 1
INDEX = "index.json"
SHARD_BYTES = 64 << 20
CRC_KEY = "egotune.crc32/"

IMAGE_EMBEDDINGS = "image_embeddings"
HIGH_RES_S0 = "high_res_feat_s0"
HIGH_RES_S1 = "high_res_feat_s1"
SEG_HIDDEN = "seg_hidden_state"


def _shapes(c, g, d):
    # In the model's input order, without the batch axis (SegModel.inputShapes in Java).
    return {
        IMAGE_EMBEDDINGS: [c, g, g],
        HIGH_RES_S0: [c // 8, 4 * g, 4 * g],
        HIGH_RES_S1: [c // 4, 2 * g, 2 * g],
        SEG_HIDDEN: [d],
    }


# The SAM2 presets' inputs (Sam2DecoderConfig.full() / small()).
PRESETS = {
    "sam2-decoder": _shapes(256, 64, 2048),
    "sam2-decoder-small": _shapes(32, 16, 64),
}

# dtype id -> (safetensors name, bytes per value)
DTYPES = {"f32": ("F32", 4), "bf16": ("BF16", 2), "f16": ("F16", 2)}


def to_bf16_bits(a):
    """bfloat16 bits (uint16) of float32 ``a``, rounded to nearest even; NaN stays a quiet NaN."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    rounded = ((bits.astype(np.uint64) + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(np.asarray(a, dtype=np.float32))
    return np.where(nan, ((bits >> 16) | 0x0040).astype(np.uint16), rounded)


def to_f16_bits(a):
    """IEEE binary16 bits (uint16) of float32 ``a``; numpy's conversion rounds to nearest even."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(a, dtype=np.float32).astype(np.float16).view(np.uint16)


def _as_float32(x):
    """A float32 numpy array from a numpy array, a list or a torch tensor (any dtype or device)."""
    if hasattr(x, "detach"):  # torch, without importing it
        x = x.detach().float().cpu().numpy()
    return np.ascontiguousarray(x, dtype=np.float32)


def _encode(a, dtype):
    if dtype == "f32":
        bits = a.view(np.uint32)
    elif dtype == "bf16":
        bits = to_bf16_bits(a)
    else:
        bits = to_f16_bits(a)
    return bits.astype(bits.dtype.newbyteorder("<"), copy=False).tobytes()


def _safetensors(tensors, metadata):
    """A safetensors file's bytes, laid out as the Java writer lays it out (compact JSON header,
    ``__metadata__`` first, padded with spaces to a multiple of 8)."""
    header = {"__metadata__": metadata}
    offset = 0
    for name, st, shape, data in tensors:
        header[name] = {"dtype": st, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    js += b" " * (-len(js) % 8)
    return b"".join([struct.pack("<Q", len(js)), js] + [t[3] for t in tensors])


def _write_atomically(path, data):
    tmp = os.path.join(os.path.dirname(path), "_tmp." + os.path.basename(path) + "." + uuid.uuid4().hex)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class FeatureShardWriter:
    """Writes one source's feature shards into a local directory, crash-safely: shards are cut at
    about ``shard_bytes``, each written under a temporary name, synced and renamed; ``finish`` writes
    ``index.json`` last. A directory without an index is incomplete and the reader refuses it.

    ``inputs`` maps input name to shape without the batch axis (default: the preset's).
    """

    def __init__(self, directory, source, preset, dtype="f32", overwrite=False, shard_bytes=SHARD_BYTES,
                 inputs=None):
        if dtype not in DTYPES:
            raise ValueError("dtype must be one of %s, found %r" % (", ".join(DTYPES), dtype))
        if inputs is None:
            if preset not in PRESETS:
                raise ValueError("preset must be one of %s (or pass inputs=), found %r"
                                 % (", ".join(PRESETS), preset))
            inputs = PRESETS[preset]
        self.dir = directory
        self.source = source
        self.preset = preset
        self.dtype = dtype
        self.inputs = {k: [int(d) for d in v] for k, v in inputs.items()}
        self.shard_bytes = shard_bytes
        self.shards = []
        self.frames = {}
        self.expressions = {}
        self._pending = []
        self._pending_bytes = 0
        if os.path.exists(os.path.join(directory, INDEX)) and not overwrite:
            raise FileExistsError("%s already holds feature shards (%s); pass overwrite=True to replace them"
                                  % (directory, INDEX))
        if os.path.exists(directory):
            shutil.rmtree(directory)
        os.makedirs(directory)

    def has_frame(self, video, frame):
        return "%s/%s" % (video, frame) in self.frames

    def has_expression(self, video, exp_id):
        return "%s/%s" % (video, exp_id) in self.expressions

    def add_frame(self, video, frame, values):
        """Adds a frame's per-frame inputs (every input but seg_hidden_state), by input name."""
        key = "%s/%s" % (video, frame)
        for name, shape in self.inputs.items():
            if name != SEG_HIDDEN:
                self._put("frame/%s/%s" % (key, name), name, values.get(name), shape)
        self.frames[key] = len(self.shards)
        self._flush_if_full()

    def add_expression(self, video, exp_id, values):
        """Adds an expression's [SEG] hidden state, by input name."""
        key = "%s/%s" % (video, exp_id)
        for name, shape in self.inputs.items():
            if name == SEG_HIDDEN:
                self._put("expression/%s/%s" % (key, name), name, values.get(name), shape)
        self.expressions[key] = len(self.shards)
        self._flush_if_full()

    def _put(self, tensor, name, value, shape):
        n = int(np.prod(shape))
        if value is None:
            raise ValueError("%s: input %s needs %d values, got none" % (tensor, name, n))
        a = _as_float32(value)
        # A leading batch axis of 1 (as models return) is dropped; anything else must match exactly.
        if a.size != n:
            raise ValueError("%s: input %s needs %d values %s, got %d %s"
                             % (tensor, name, n, shape, a.size, list(a.shape)))
        data = _encode(a.reshape(-1), self.dtype)
        self._pending.append((tensor, DTYPES[self.dtype][0], shape, data))
        self._pending_bytes += len(data)

    def _flush_if_full(self):
        if self._pending_bytes >= self.shard_bytes:
            self._flush()

    def _flush(self):
        if not self._pending:
            return
        name = "part-%05d.safetensors" % len(self.shards)
        meta = {"egotune.source": self.source, "egotune.preset": self.preset}
        if self.dtype != "f32":
            for tensor, _, _, data in self._pending:
                meta[CRC_KEY + tensor] = "%08x" % (zlib.crc32(data) & 0xFFFFFFFF)
        data = _safetensors(self._pending, meta)
        _write_atomically(os.path.join(self.dir, name), data)
        self.shards.append({"file": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                            "tensors": len(self._pending)})
        self._pending = []
        self._pending_bytes = 0

    def finish(self, generator):
        """Writes the last shard, then index.json; returns the index as a dict."""
        self._flush()
        index = {
            "formatVersion": FORMAT_VERSION,
            "source": self.source,
            "preset": self.preset,
            "dtype": self.dtype,
            "inputs": self.inputs,
            "shards": self.shards,
            "frames": self.frames,
            "expressions": self.expressions,
            "generator": generator,
        }
        _write_atomically(os.path.join(self.dir, INDEX), json.dumps(index, indent=2).encode("utf-8"))
        return index
