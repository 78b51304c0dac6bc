"""Tests never touch the network: the hub is unreachable here, and tests must not depend on it."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _load_script(name: str) -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up by name
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture()
def load_script():
    """Import a file of scripts/ (not a package) as a module: ``load_script("train_checker")``."""
    return _load_script


TINY_VOCAB = ["[UNK]", "the", "bridge", "closed", "council", "voted", "rain", "fell", "repairs", "for"]


@pytest.fixture()
def tiny_static_model():
    """Build a model2vec folder (word-level tokenizer over ``TINY_VOCAB``, a float16 matrix, as distillation
    writes): ``tiny_static_model(folder, rows=None) -> folder``."""

    def build(folder: Path, rows=None) -> Path:  # noqa: ANN001
        import numpy as np
        from safetensors.numpy import save_file
        from tokenizers import Tokenizer, models, pre_tokenizers

        folder.mkdir(parents=True, exist_ok=True)
        tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(TINY_VOCAB)}, unk_token="[UNK]"))
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        tok.save(str(folder / "tokenizer.json"))
        if rows is None:
            rows = np.random.default_rng(0).normal(size=(len(TINY_VOCAB), 4))
        save_file({"embeddings": np.asarray(rows).astype(np.float16)}, str(folder / "model.safetensors"))
        return folder

    return build
