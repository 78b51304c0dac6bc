"""NLIScorer label mapping, chunked support and the shipped checker, all offline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mdsum.errors import ModelError
from mdsum.nli import (
    EmbeddingScorer,
    NLIScorer,
    OverlapScorer,
    chunked_support,
    content_words,
    entailment_index,
    windows,
)
from mdsum.registry import get

SHIPPED = Path(__file__).resolve().parents[1] / "mdsum" / "resources" / "checker" / "config.json"
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "mayor", "said", "not", "police", "rain", "fell",
         "on", "monday", "two", "three", "people", "died", ".", ",", "'", "’", '"', "“", "”", "s"]


def tiny_nli(tmp_path: Path, id2label: dict[int, str]) -> Path:
    """A 1-layer BERT classifier with its own vocabulary, saved like any hub checkpoint."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    tok = BertTokenizerFast(vocab={w: i for i, w in enumerate(VOCAB)})
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=64, num_labels=len(id2label),
                     id2label=id2label, label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    model = BertForSequenceClassification(cfg).eval()
    out = tmp_path / "model"
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def test_entailment_index_reads_names_not_positions() -> None:
    assert entailment_index({0: "contradiction", 1: "entailment", 2: "neutral"}) == 1
    assert entailment_index({0: "entailment", 1: "not_entailment"}) == 0  # negated name is the other class
    assert entailment_index({0: "not_supported", 1: "supported"}) == 1
    assert entailment_index({0: "LABEL_0", 1: "LABEL_1"}, "LABEL_1") == 1
    with pytest.raises(ModelError, match="entailment_label"):
        entailment_index({0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ModelError, match="'yes'"):
        entailment_index({0: "LABEL_0", 1: "LABEL_1"}, "yes")


def test_nli_scorer_uses_config_label_order(tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    path = tiny_nli(tmp_path, {0: "contradiction", 1: "entailment", 2: "neutral"})
    premises = ["the mayor said two people died on monday .", "rain fell on monday ."]
    hypotheses = ["three people died .", "rain fell ."]
    tok = AutoTokenizer.from_pretrained(path)
    assert tok.unk_token_id not in tok(premises[0])["input_ids"]  # the test vocabulary really covers the text
    scorer = NLIScorer(model=str(path), device="cpu", batch_size=1)
    got = scorer.score(premises, hypotheses)
    # Expected: softmax column 1 ("entailment") of the same model run by hand.
    model = AutoModelForSequenceClassification.from_pretrained(path).eval()
    with torch.no_grad():
        logits = model(**tok(premises, hypotheses, padding=True, return_tensors="pt")).logits
    np.testing.assert_allclose(got, logits.softmax(-1)[:, 1].numpy(), atol=1e-5)
    assert got.shape == (2,) and ((got > 0) & (got < 1)).all()


def test_nli_scorer_ignores_quote_style(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    path = tiny_nli(tmp_path, {0: "not_supported", 1: "supported"})
    curly, plain = "the mayor’s “two people died” .", "the mayor's \"two people died\" ."
    tok = AutoTokenizer.from_pretrained(path)
    assert tok(curly)["input_ids"] != tok(plain)["input_ids"]  # the model itself would see a difference
    scorer = NLIScorer(model=str(path), device="cpu")
    got = scorer.score([curly, plain, curly], [plain, curly, curly])
    np.testing.assert_array_equal(got, np.full(3, got[2]))


def test_int8_keeps_the_argmax(tmp_path: Path) -> None:
    path = tiny_nli(tmp_path, {0: "contradiction", 1: "entailment", 2: "neutral"})
    premises = ["the mayor said two people died on monday .", "rain fell on monday .", "police said not three ."]
    hypotheses = ["three people died .", "rain fell .", "the mayor said ."]
    fp = NLIScorer(model=str(path), device="cpu", runtime="torch")  # its torch model is compared below
    q = NLIScorer(model=str(path), device="cpu", quantize="int8")
    q.load()
    import torch

    assert any(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in q._model.modules())  # really int8
    fp.load()
    tok = fp._tokenizer
    enc = tok(premises, hypotheses, padding=True, return_tensors="pt")
    with torch.no_grad():
        assert fp._model(**enc).logits.argmax(-1).tolist() == q._model(**enc).logits.argmax(-1).tolist()
    np.testing.assert_allclose(q.score(premises, hypotheses), fp.score(premises, hypotheses), atol=0.05)


def test_quantize_value_is_checked_at_construction() -> None:
    assert NLIScorer(quantize="int8").quantize == "int8"  # cheap: nothing loaded
    assert NLIScorer(quantize="int8")._model is None
    for bad in ("fp16", "INT8", None, 8):
        with pytest.raises(ValueError, match=f"quantize must be one of none, int8, got {bad!r}"):
            NLIScorer(quantize=bad)


def test_each_distinct_pair_is_scored_once(tmp_path: Path) -> None:
    path = tiny_nli(tmp_path, {0: "not_supported", 1: "supported"})
    scorer = NLIScorer(model=str(path), device="cpu", batch_size=2, runtime="torch")  # spied on: the torch model
    scorer.load()
    seen: list[int] = []
    model = scorer._model
    scorer._model = lambda **enc: seen.append(len(enc["input_ids"])) or model(**enc)
    scorer._model.parameters = model.parameters
    a, b = ("rain fell on monday .", "rain fell ."), ("the mayor said .", "the mayor said not .")
    curly = ("the mayor’s rain fell .", "rain fell .")  # the same pair as the next once quotes are folded
    plain = ("the mayor's rain fell .", "rain fell .")
    pairs = [a, b, a, curly, b, plain, a]
    got = scorer.score([p for p, _ in pairs], [h for _, h in pairs])
    assert sum(seen) == 3  # a, b and the folded mayor's pair, once each
    alone = NLIScorer(model=str(path), device="cpu").score([p for p, _ in (a, b, plain)], [h for _, h in (a, b, plain)])
    np.testing.assert_allclose(got, alone[[0, 1, 0, 2, 1, 2, 0]], atol=1e-6)
    assert scorer.score([], []).shape == (0,)


def test_overlap_ignores_quote_style() -> None:
    # Unfolded, "Mayor’s" split into "mayor" + "s" and never matched a premise's "Mayor's".
    claim, premise = "The Mayor’s office confirmed it.", "The Mayor's office confirmed it on Monday."
    assert OverlapScorer().score([premise], [claim]).tolist() == [1.0]
    assert content_words(claim) == content_words(claim.replace("’", "'")) == ["mayor's", "office", "confirmed"]


def test_nli_scorer_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        NLIScorer(model=str(tmp_path / "missing")).load()
    with pytest.raises(ValueError, match="batch_size"):
        NLIScorer(batch_size=0)
    with pytest.raises(ValueError, match="max_length"):
        NLIScorer(max_length=4)
    path = tiny_nli(tmp_path, {0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(ModelError, match="entailment_label"):
        NLIScorer(model=str(path), device="cpu").load()
    with pytest.raises(ValueError, match="2 premises but 1"):
        NLIScorer(model=str(path), device="cpu", entailment_label="LABEL_1").score(["a", "b"], ["a"])


def test_registered_names() -> None:
    assert get("scorer", "mdsum.nli_scorer.v1") is NLIScorer
    assert get("scorer", "mdsum.embedding_scorer.v1") is EmbeddingScorer


def test_windows() -> None:
    assert windows(["a", "b", "c"], 2) == ["a b", "b c"]
    assert windows(["a", "b"], 3) == ["a b"]
    assert windows(["a", " ", "b", "c"], 1) == ["a", "b", "c"]
    assert windows([], 2) == []


def test_chunked_support_takes_best_window() -> None:
    source = ["Rain fell on Monday.", "The mayor said two people died.", "Police closed the bridge."]
    claims = ["The mayor said two people died.", "Three people died in a fire.", "Police closed the bridge."]
    got = chunked_support(OverlapScorer(), source, claims, window=1)
    # Claim 1 and 3 are copied from one sentence each (overlap 1); claim 2 shares "people", "died" of 4 words.
    np.testing.assert_allclose(got, [1.0, 0.5, 1.0])
    assert chunked_support(OverlapScorer(), [], claims).tolist() == [0.0, 0.0, 0.0]
    # top_k=1 keeps only the window sharing most content words; here that is the best one anyway.
    np.testing.assert_allclose(chunked_support(OverlapScorer(), source, claims, window=1, top_k=1), [1.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="top_k"):
        chunked_support(OverlapScorer(), source, claims, top_k=0)


def test_top_k_scores_only_the_retrieved_windows() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.premises: list[str] = []

        def load(self) -> None:
            pass

        def score(self, premises, hypotheses):
            self.premises += list(premises)
            return np.arange(len(premises), dtype=np.float32)

    rec = Recorder()
    source = ["Rain fell.", "The mayor spoke.", "Two people died in Harlow.", "Police came."]
    got = chunked_support(rec, source, ["Two people died in Harlow on Monday."], window=1, top_k=2)
    # Windows 2 (3 shared words) and then 0 (tie at 0 -> source order) are scored, in source order.
    assert rec.premises == ["Rain fell.", "Two people died in Harlow."]
    assert got.tolist() == [1.0]
    assert chunked_support(OverlapScorer(), source, []).shape == (0,)


NEWS = ("Officials said on Tuesday that 14 people were killed when the storm hit the coastal town of Harlow. "
        "Mayor Ann Ruiz said the bridge would stay closed until Friday.")
needs_shipped = pytest.mark.skipif(not SHIPPED.is_file(), reason="shipped checker weights missing")


def shipped_scores(hypotheses: list[str]) -> tuple[np.ndarray, float]:
    scorer = NLIScorer(model="mdsum-checker", device="cpu")
    threshold = json.loads((SHIPPED.parent / "checker.json").read_text())["threshold"]  # fixed on validation
    return scorer.score([NEWS] * len(hypotheses), hypotheses), threshold


@needs_shipped
def test_shipped_checker_on_news_pairs() -> None:
    (faithful, speaker, negation), threshold = shipped_scores([
        "Mayor Ann Ruiz said the bridge would stay closed.",  # compression: a PP dropped
        "Police chief Tom Reed said the bridge would stay closed until Friday.",  # speaker swap
        "Mayor Ann Ruiz said the bridge would not stay closed until Friday.",  # negation
    ])
    assert faithful >= threshold > max(speaker, negation), (faithful, speaker, negation, threshold)
    assert faithful > negation + 0.1


@needs_shipped
def test_shipped_checker_rejects_a_number_swap() -> None:
    (swap,), threshold = shipped_scores(["Officials said on Tuesday that 41 people were killed when the storm hit "
                                         "Harlow."])
    assert swap < threshold


def test_embedding_baseline_scores_paraphrase_above_unrelated() -> None:
    scorer = EmbeddingScorer(device="cpu")
    close, far = scorer.score(["The bridge reopened on Monday.", "Rain fell all week."],
                              ["The bridge reopened Monday.", "The bridge reopened Monday."])
    assert 0.0 <= far < 0.5 < close <= 1.0
