"""Held-out news agreement for int8 variants (not product code): per-tensor (shipped option), per-channel,
and per-tensor with parts left in fp32 (docs/checker.md §6.2).

    PYTHONPATH=. python3 scripts/exp_int8_variants.py 1050   # needs .work/checker/news_none.jsonl.gz
"""
import gzip
import json
import sys
import time
import warnings

import numpy as np
import torch

from mdsum.nli import NLIScorer

warnings.simplefilter("ignore")
T = 0.4833
rows = [json.loads(x) for x in gzip.open(".work/checker/data/news_heldout.jsonl.gz", "rt")]
limit = int(sys.argv[1])
idx = list(range(0, len(rows), max(1, len(rows) // limit)))[:limit]
fp = np.array([json.loads(x)["score"] for x in gzip.open(".work/checker/news_none.jsonl.gz", "rt")])[idx]
P, H = [rows[i]["premise"] for i in idx], [rows[i]["hypothesis"] for i in idx]
lab = np.array([rows[i]["label"] for i in idx])
from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig  # noqa: E402


def run(name, spec):
    s = NLIScorer(device="cpu", batch_size=64, runtime="torch")  # the torch model is what gets quantized
    s.load()
    if spec is not None:
        s._model = torch.ao.quantization.quantize_dynamic(s._model, spec, dtype=torch.qint8)
    t = time.time()
    q = s.score(P, H)
    secs = time.time() - t
    print(f"{name}: n={len(q)} agree={100 * ((q >= T) == (fp >= T)).mean():.2f} % "
          f"|dp| mean={np.abs(q - fp).mean():.4f} "
          f"swap recall={100 * (q[lab == 0] < T).mean():.1f} pos acc={100 * (q[lab == 1] >= T).mean():.1f} "
          f"{len(q) / secs:.0f} pairs/s", flush=True)


print(f"fp32 reference: swap recall={100 * (fp[lab == 0] < T).mean():.1f} "
      f"pos acc={100 * (fp[lab == 1] >= T).mean():.1f}")
run("fp32 (rerun)", None)
run("int8 per-tensor (the option)", {torch.nn.Linear})
run("int8 per-channel", {torch.nn.Linear: per_channel_dynamic_qconfig})
m = NLIScorer(device="cpu", runtime="torch")
m.load()
names = [n for n, mod in m._model.named_modules() if isinstance(mod, torch.nn.Linear)]
keep_ffn_out = {n: default_dynamic_qconfig for n in names if not (n.endswith("output.dense") and "attention" not in n)}
run("int8 per-tensor, FFN output fp32", keep_ffn_out)
keep_head = {n: default_dynamic_qconfig for n in names if n.startswith("bert.encoder")}
run("int8 per-tensor, encoder only (pooler+head fp32)", keep_head)
