"""Writes test/fixtures/torch-mlp-{f32,f64}.safetensors from PyTorch, for test/io/safetensors.test.ts.

Debian has no python3-safetensors package, so this writes the published safetensors format itself with
the standard library (the same layout as safetensors.torch.save_file: an 8-byte little-endian header
length, a JSON header padded with spaces to 8 bytes, tensors sorted by alignment then name, raw
little-endian data). The weights and the reference output come from PyTorch (Debian's python3-torch).

Run: /usr/bin/python3 scripts/make-safetensors-fixture.py
"""

import json
import struct
import sys
from pathlib import Path

import torch

DTYPES = {torch.float64: ("F64", 8), torch.float32: ("F32", 4)}


def save_file(tensors, path, metadata):
    # safetensors sorts by dtype size (largest first), then by name
    items = sorted(tensors.items(), key=lambda kv: (-DTYPES[kv[1].dtype][1], kv[0]))
    header = {"__metadata__": metadata}
    data = bytearray()
    for name, t in items:
        raw = t.detach().contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": DTYPES[t.dtype][0], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + bytes(data))


def main():
    out = Path(__file__).resolve().parent.parent / "test" / "fixtures"
    for dtype, tag in [(torch.float32, "f32"), (torch.float64, "f64")]:
        torch.manual_seed(12)
        model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)).to(dtype)
        x = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=dtype)
        with torch.no_grad():
            y = model(x)
        metadata = {
            "format": "pt",
            "writer": f"torch {torch.__version__} via scripts/make-safetensors-fixture.py",
            "input": json.dumps(x.tolist()),
            "output": json.dumps(y.tolist()),
        }
        save_file(model.state_dict(), out / f"torch-mlp-{tag}.safetensors", metadata)
    print("wrote", out, file=sys.stderr)


if __name__ == "__main__":
    main()
