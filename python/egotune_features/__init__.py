"""Feature shards for EgoTune's SAM2 presets, written from Python (numpy; torch tensors accepted).

The format is the one the Java reader (org.egotune.trainer.features.FeatureStore) expects and
docs/models.md describes: safetensors shards of F32, BF16 or F16 tensors named
``frame/<video>/<frame>/<input>`` and ``expression/<video>/<expId>/seg_hidden_state``, plus an
``index.json`` written last.
"""

from .writer import DTYPES, PRESETS, FeatureShardWriter, to_bf16_bits, to_f16_bits

__all__ = ["DTYPES", "PRESETS", "FeatureShardWriter", "to_bf16_bits", "to_f16_bits"]
