"""Abstractive fusion: a generator writes each summary sentence from its claim group, and a structural gate
decides whether it ships.

Per group: a prompt with the group's sentences and their outlet names → one generated sentence → the checks
of :mod:`mdsum.gate` against those sentences. A sentence that passes ships as ``method="generated"`` with
``fused_from`` = the group's sentence ids and a citation to every document of the group. Otherwise the
extractive fuser's quoted candidate ships with ``fallback`` = the reason (``unsupported number '36'``,
``generator timeout``, ``generator error: …``): a generator that crashes, hangs or writes garbage never loses
the story. Single-source groups are quoted without asking the generator (``min_members``), and an output that
only copies one member is replaced by the quoted candidate (``copy of one source: quoted``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mdsum.fuse import ExtractiveFuser
from mdsum.gate import CHECKS, gate
from mdsum.gate_text import placeholder_outlet
from mdsum.generate import make_generator
from mdsum.generate_contract import Generator, GeneratorError, GeneratorTimeout, Message
from mdsum.registry import register
from mdsum.types import Citation, ClaimGroup, Document, Sentence, SummarySentence
from mdsum.verify import is_verbatim

SYSTEM = ("You merge news sentences from several outlets into one neutral sentence. State only what the "
          "sentences state. Keep every number, name and quotation exactly as written. If a claim is attributed "
          "(\"X said\", \"according to X\"), keep it attributed to the same speaker; if outlets disagree, say who "
          "says what. Do not add opinions or new facts. Answer with the one sentence only.")
# Worked examples on an invented story (not from any test or evaluation set).
EXAMPLES: tuple[tuple[tuple[tuple[str, str], ...], str], ...] = (
    ((("Northfield Gazette", "The city council voted 7-2 on Tuesday to close the Elm Street library."),
      ("Metro Daily", "Council members approved closing the Elm Street library in a 7-2 vote, the mayor said.")),
     "The city council voted 7-2 on Tuesday to close the Elm Street library, the mayor said."),
    ((("Coastal Times", "Police said the fire was started deliberately."),
      ("Harbor News", "The owner of the warehouse says the fire was an accident.")),
     "Police said the fire was started deliberately, while the warehouse owner says it was an accident."),
)
_LABEL = re.compile(r"^(?:sentence|summary|answer|output|merged sentence|neutral sentence)\s*:\s*", re.IGNORECASE)


def user_message(members: Sequence[tuple[str, str]]) -> str:
    lines = "\n".join(f"- {outlet}: {' '.join(text.split())}" for outlet, text in members)
    return f"Sentences:\n{lines}\n\nWrite one neutral sentence that merges them."


def build_prompt(members: Sequence[tuple[str, str]], few_shot: bool = True, system: str = SYSTEM) -> list[Message]:
    """Chat messages for one group: instructions, worked examples, then the group's (outlet, sentence) pairs."""
    msgs: list[Message] = [{"role": "system", "content": system}]
    if few_shot:
        for ex_members, answer in EXAMPLES:
            msgs += [{"role": "user", "content": user_message(ex_members)}, {"role": "assistant", "content": answer}]
    msgs.append({"role": "user", "content": user_message(members)})
    return msgs


def example_words() -> set[str]:
    """Content words of the worked examples (outputs using them where no source does copied the example)."""
    from mdsum.fuse import content_words

    return {w for members, answer in EXAMPLES for w in content_words(" ".join([answer, *(t for _, t in members)]))}


def clean_output(text: str, outlets: Sequence[str] = ()) -> str:
    """The first non-empty line, without a list dash, a "Sentence:" or "<outlet>:" label or wrapping quotes,
    whitespace collapsed."""
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    line = _LABEL.sub("", line.lstrip("-*• ").strip())
    line = re.sub(r"^Source \d+:\s*", "", line)
    for name in sorted(outlets, key=len, reverse=True):
        if name and line.lower().startswith(name.lower() + ":"):
            line = line[len(name) + 1:].strip()
            break
    if len(line) > 2 and line[0] == line[-1] == '"' and line.count('"') == 2:
        line = line[1:-1].strip()
    return " ".join(line.split())


def verdict(raw: str, members: Sequence[tuple[str, str]], skip: Sequence[str] = (), max_novel_words: int = 1,
            prompt_words: Iterable[str] = ()) -> tuple[str, str | None]:
    """A generator's output for one group of (outlet, sentence) members: the cleaned text and why it does not ship
    as generated (None: it ships). A copy of one member is not a fusion (the quoted candidate ships instead);
    anything else must pass the gate."""
    outlets, sources = [o for o, _ in members], [t for _, t in members]
    text = clean_output(raw, outlets)
    if text and any(is_verbatim(text, s) for s in sources):
        return text, "copy of one source: quoted"
    return text, gate(text, sources, names=outlets, skip=skip, max_novel_words=max_novel_words,
                      prompt_words=prompt_words)


def outlet_names(documents: Sequence[Document]) -> dict[str, str]:
    """Each document's outlet for the prompt: its source, else "Source n" (file names mean nothing to a model)."""
    return {d.id: d.source or placeholder_outlet(n) for n, d in enumerate(documents, start=1)}


@register("fuser", "mdsum.generative_fuser.v1")
class GenerativeFuser:
    """Generate one sentence per group, gate it, ship it or the quoted candidate with the reason."""

    def __init__(self, generator: dict[str, Any], min_members: int = 2, max_members: int = 5,
                 few_shot: bool = True, max_novel_words: int = 1, skip_checks: list[str] | None = None,
                 fallback: str = "quoted", extractive: dict[str, Any] | None = None, seed: int = 0) -> None:
        if not isinstance(generator, Mapping):
            raise ValueError(f"generator must be a mapping with 'backend' and its arguments, got {generator!r}")
        for name, value, low in (("min_members", min_members, 1), ("max_members", max_members, 1),
                                 ("max_novel_words", max_novel_words, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if not isinstance(few_shot, bool):
            raise ValueError(f"few_shot must be true or false, got {few_shot!r}")
        skip = list(skip_checks or [])
        for c in skip:
            if c not in CHECKS:
                raise ValueError(f"skip_checks: unknown check {c!r}; known: {', '.join(CHECKS)}")
        if fallback != "quoted":
            raise ValueError(f"fallback must be 'quoted' (the extractive candidate ships instead), got {fallback!r}")
        if extractive is not None and not isinstance(extractive, Mapping):
            raise ValueError(f"extractive must be a mapping of extractive fuser arguments or null, got {extractive!r}")
        self.generator: Generator = make_generator(generator, seed=seed)
        self.quoted = ExtractiveFuser(**dict(extractive or {}))
        self.min_members = min_members
        self.max_members = max_members
        self.few_shot = few_shot
        self.max_novel_words = max_novel_words
        self.skip_checks = tuple(skip)
        self._example_words = example_words() if few_shot else set()

    def load(self) -> None:
        self.quoted.load()
        self.generator.load()

    def fuse(self, groups: Sequence[ClaimGroup], sentences: Sequence[Sentence],
             documents: Sequence[Document]) -> list[SummarySentence]:
        quoted = {s.group_id: s for s in self.quoted.fuse(groups, sentences, documents)}
        by_id = {s.id: s for s in sentences}
        names = outlet_names(documents)
        doc_rank = {d.id: n for n, d in enumerate(documents)}
        todo: list[tuple[ClaimGroup, list[Sentence]]] = []
        reasons: dict[str, str] = {}
        for g in groups:
            members = [by_id[i] for i in g.sentence_ids if i in by_id][: self.max_members]
            if len({m.doc_id for m in members}) < self.min_members:
                reasons[g.id] = "single source: quoted"
            elif members:
                todo.append((g, members))
        generated: dict[str, SummarySentence] = {}
        for chunk in _chunks(todo, getattr(self.generator, "batch_size", 4)):
            prompts = [build_prompt([(names.get(m.doc_id, m.doc_id), m.text) for m in ms], self.few_shot)
                       for _, ms in chunk]
            try:
                outputs = self.generator.generate(prompts)
                if len(outputs) != len(prompts):
                    raise GeneratorError(f"{len(outputs)} outputs for {len(prompts)} prompts")
            except GeneratorError as e:
                reason = str(e) if isinstance(e, GeneratorTimeout) else f"generator error: {e}"
                reasons.update({g.id: reason for g, _ in chunk})
                continue
            for (g, ms), raw in zip(chunk, outputs):
                text, why = verdict(raw, [(names.get(m.doc_id, ""), m.text) for m in ms], skip=self.skip_checks,
                                    max_novel_words=self.max_novel_words, prompt_words=self._example_words)
                if why is None:
                    generated[g.id] = SummarySentence(text=text, citations=_group_citations(ms, doc_rank),
                                                      group_id=g.id, method="generated",
                                                      fused_from=tuple(m.id for m in ms))
                else:
                    reasons[g.id] = why
        out = []
        for g in groups:
            if g.id in generated:
                out.append(generated[g.id])
            elif g.id in quoted:
                out.append(dataclasses.replace(quoted[g.id], fallback=reasons.get(g.id)))
        return out


def _chunks(items: list, size: int) -> list[list]:
    size = max(1, int(size))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _group_citations(members: Sequence[Sentence], doc_rank: dict[str, int]) -> tuple[Citation, ...]:
    per_doc: dict[str, list[str]] = {}
    for m in members:
        per_doc.setdefault(m.doc_id, []).append(m.id)
    order = sorted(per_doc, key=lambda d: (doc_rank.get(d, len(doc_rank)), d))
    return tuple(Citation(doc_id=d, sentence_ids=tuple(per_doc[d])) for d in order)
