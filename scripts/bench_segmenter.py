"""Sentence splitters compared: the shipped pysbd path vs blingfire, on speed and on the pinned behaviours.

Both run inside the same ``PysbdSegmenter`` frame (lines first, headings dropped, the a.m./p.m. and lower-case
repairs, short fragments dropped); only the per-line splitter differs. Prints sentences/s on the NeuS/AllSides
snippets and MultiLing 2011 English, how many documents get the same sentences as pysbd, and which of the
cases pinned in tests/test_segment.py each splitter passes.

    pip install blingfire   # 42 MB wheel; not an mdsum dependency
    PYTHONPATH=. python scripts/bench_segmenter.py [--data /work/shared/data/news_clustering] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from mdsum.segment import PysbdSegmenter
from mdsum.types import Document

# The behaviour cases of tests/test_segment.py (input, expected sentences), kept in step with that file.
CASES = {
    "abbreviations (U.S., Dr., Gov.)": (
        "The U.S. Army Corps of Engineers will inspect the levee. Dr. Paul Okafor said the county would "
        "review the logs. Gov. Miriam Castell pledged $4 million on Monday.",
        ["The U.S. Army Corps of Engineers will inspect the levee.",
         "Dr. Paul Okafor said the county would review the logs.",
         "Gov. Miriam Castell pledged $4 million on Monday."]),
    "quotations with attribution": (
        '"We are ready," he said. "These families did nothing wrong. They went to sleep," Castell said. '
        'Residents said the siren was “far too late.” The mayor disagreed.',
        ['"We are ready," he said.', '"These families did nothing wrong. They went to sleep," Castell said.',
         "Residents said the siren was “far too late.”", "The mayor disagreed."]),
    "a.m. before a weekday": (
        "The office issued a warning at 11:40 p.m. Friday, officials said. The siren sounded at 2 a.m. "
        "It was far too late.",
        ["The office issued a warning at 11:40 p.m. Friday, officials said.", "The siren sounded at 2 a.m.",
         "It was far too late."]),
    "initials": (
        "J. R. R. Tolkien wrote it in 1937. Mr. Smith paid $3.50 for a copy.",
        ["J. R. R. Tolkien wrote it in 1937.", "Mr. Smith paid $3.50 for a copy."]),
}


# A piece ending in one of these (or in a single capital initial) continues: a title before a name, a month or
# "No." before a number. Words that can also end a sentence (Inc., Jr., etc.) are left to the lower-case repair.
_CONTINUES = re.compile(r"(?:^|[\s(\"“])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Col|Lt|Sgt|Capt|Adm|Maj|Rev|St|"
                        r"Mt|Ft|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$")


# blingfire does not split before a title abbreviation ("… the logs. Gov. Castell …"): split there.
_SPLIT_BEFORE_TITLE = re.compile(r"(?<=[a-z0-9][.!?])[\"”’)]?\s+(?=(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Col|Lt|Sgt|"
                                 r"Capt|Adm|Maj|Rev|St)\. [A-Z])")


def _open_quote(text: str) -> bool:
    """An odd number of straight double quotes, or more “ than ”: a quotation is still open."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


class BlingfireSegmenter(PysbdSegmenter):
    """The same frame with blingfire's ``text_to_sentences_and_offsets`` as the per-line splitter."""

    def load(self) -> None:
        import blingfire

        self._pysbd = blingfire  # the frame only checks that something is loaded

    def _split_line(self, text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
        line = text[line_start:line_end]
        _, offsets = self._pysbd.text_to_sentences_and_offsets(line)
        out = []
        for a, b in offsets:
            piece = line[a:b]
            a += len(piece) - len(piece.lstrip())
            b -= len(piece) - len(piece.rstrip())
            if b > a:
                out.append((line_start + a, line_start + b))
        return self._post_fix(text, out) if self.post_fix else out

    post_fix = False

    @staticmethod
    def _post_fix(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Split before a title abbreviation; join a piece to the previous one after a title or initial, or
        inside an open quotation."""
        pieces = []
        for a, b in spans:
            for m in _SPLIT_BEFORE_TITLE.finditer(text, a, b):
                pieces.append((a, m.start() + len(m.group(0).rstrip())))
                a = m.end()
            pieces.append((a, b))
        out: list[tuple[int, int]] = []
        for a, b in pieces:
            if out and (_CONTINUES.search(text[out[-1][0]:out[-1][1]]) or _open_quote(text[out[-1][0]:out[-1][1]])):
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        return out


class FixedBlingfireSegmenter(BlingfireSegmenter):
    """blingfire + the two joins of ``_post_fix``."""

    post_fix = True


def documents(data: Path, limit: int | None) -> dict[str, list[Document]]:
    sets = {}
    for name, rel, keep in (("neus (9,176 snippets)", "neus_allsides/all.jsonl", lambda r: True),
                            ("multiling en (100 articles)", "multiling2011/test.jsonl", lambda r: r["lang"] == "en")):
        rows = [r for r in map(json.loads, (data / rel).open(encoding="utf-8")) if keep(r)][:limit]
        sets[name] = [Document(id=str(r["id"]), text=r["text"], title=r.get("title")) for r in rows]
    return sets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/news_clustering"))
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each set")
    args = ap.parse_args(argv)
    splitters = {"pysbd": PysbdSegmenter(), "blingfire": BlingfireSegmenter(),
                 "blingfire + post-fix": FixedBlingfireSegmenter()}
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} (1 / 5 min)")
    print("| set | splitter | documents | sentences | seconds | sentences/s | same sentences as pysbd |")
    print("|---|---|---|---|---|---|---|")
    for name, docs in documents(args.data, args.limit).items():
        reference = None
        for label, seg in splitters.items():
            seg.load()
            t0 = time.perf_counter()
            out = [[s.text for s in seg.segment(d)] for d in docs]
            secs = time.perf_counter() - t0
            n = sum(map(len, out))
            reference = reference or out
            same = sum(a == b for a, b in zip(out, reference))
            print(f"| {name} | {label} | {len(docs)} | {n} | {secs:.1f} | {n / secs:,.0f} | "
                  f"{same / len(docs):.1%} |")
    print("\n| pinned case | " + " | ".join(splitters) + " |")
    print("|---|" + "---|" * len(splitters))
    for case, (text, want) in CASES.items():
        got = {k: [s.text for s in seg.segment(Document(id="d", text=text))] for k, seg in splitters.items()}
        print(f"| {case} | " + " | ".join("pass" if got[k] == want else f"fail: {got[k]}" for k in splitters) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
