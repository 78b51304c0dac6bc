"""The bad-input matrix of docs/reliability.md: each row is one case here, checked exactly as the table states it.

The table in docs/reliability.md is generated from CASES (``python tests/test_reliability.py > docs/...`` rewrites
its table part) and a test fails when the two disagree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DOC = ROOT / "docs" / "reliability.md"
BASE = ("001_bb4fe94777bd508d.txt", "003_0be134a1780ed82a.txt")  # two real seed articles: one story, quick

GERMAN = ("Russland hat am Donnerstag die Luftangriffe in Syrien fortgesetzt. Die USA und die Türkei forderten "
          "Moskau auf, die Angriffe auf die Opposition und die Zivilisten sofort einzustellen. Der Kreml wies die "
          "Vorwürfe zurück und erklärte, die Angriffe richteten sich nur gegen Terroristen. Die Regierung in "
          "Damaskus begrüßte die Unterstützung aus Moskau, während die Opposition von vielen Toten sprach.\n")
CHINESE = ("俄罗斯空军周四继续对叙利亚境内目标进行空袭。美国和土耳其等国呼吁俄罗斯立即停止对叙利亚反对派和平民的攻击。"
           "克里姆林宫否认了空袭造成平民伤亡的报道，并表示空袭只针对恐怖分子。联合国表示，由于军事活动激增，"
           "已暂停在叙利亚的部分人道主义行动。\n") * 2
RUN_ON = " ".join(("the council said that residents of the town would be moved and that the river was rising and "
                   "that shelters were open and that").split() * 4)[:600]
LEANING = ("This decision was taken by the town council after a long and heated debate on Monday night. "
           "It will be reviewed by the regional planning board next spring, officials in the town expect.\n")
ARTICLE = (SEEDS / BASE[0]).read_text(encoding="utf-8")
OTHER = (SEEDS / "000_fab8087d3ac691c8.txt").read_text(encoding="utf-8")  # a seed not in BASE
# 8 MB of numbered seed paragraphs (numbered, so the cut article is no near-duplicate of the seed it repeats)
BIG = "".join(f"{p} (Part {n}.)\n\n" for n, p in enumerate(
    [p for p in ARTICLE.split("\n") if len(p.split()) > 8] * 3500))[:8_000_000]
HTML_TITLE = '<script>alert(1)</script><img src=x onerror="alert(2)">Syria'


@dataclass(frozen=True)
class Case:
    """``build(tmp)`` lays out the input under ``tmp`` and returns the argv; ``message`` must appear in the output
    (stderr, or stdout for help); ``manifest`` = (path, status, text of the reason) in the JSON output's manifest."""

    id: str
    input: str
    build: Callable[[Path], list[str]]
    exit: int
    message: str
    manifest: tuple[str, str, str] | None = None
    patch: Callable[[pytest.MonkeyPatch], None] | None = field(default=None, compare=False)


def base(tmp: Path, *extra: tuple[str, str | bytes]) -> Path:
    """The two seed articles plus ``extra`` (name, content) files in ``tmp/in``."""
    folder = tmp / "in"
    folder.mkdir(parents=True, exist_ok=True)
    for name in BASE:
        shutil.copy(SEEDS / name, folder / name)
    for name, content in extra:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return folder


def json_run(*extra: tuple[str, str | bytes],
             config: tuple[str, str, object] | None = None) -> Callable[[Path], list[str]]:
    """The two seeds + ``extra``, summarised to JSON (optionally with one config value changed)."""
    def build(tmp: Path) -> list[str]:
        cfg = ["-c", config_with(tmp, *config)] if config else []
        return ["summarize", str(base(tmp, *extra)), "-f", "json", "-o", str(tmp / "out.json"), "-q", *cfg]
    build.shared_files = () if config else extra  # type: ignore[attr-defined]  # default config: one shared run
    return build


def only(*files: tuple[str, str | bytes]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        folder = tmp / "in"
        folder.mkdir()
        for name, content in files:
            (folder / name).write_bytes(content) if isinstance(content, bytes) else \
                (folder / name).write_text(content, encoding="utf-8")
        return ["summarize", str(folder), "-q"]
    return build


def config_with(tmp: Path, section: str, key: str, value: object) -> str:
    from mdsum.config import default_config_text

    data = yaml.safe_load(default_config_text())
    node = data[section]
    *path, last = key.split(".")
    for k in path:
        node = node[k]
    node[last] = value
    target = tmp / "cfg.yaml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(target)


def scorer_section() -> str:
    from mdsum.config import default_config_text

    return next(s for s, v in yaml.safe_load(default_config_text()).items() if isinstance(v, dict) and "scorer" in v)


def symlink_loop(tmp: Path) -> list[str]:
    folder = base(tmp)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    return ["summarize", str(folder), "-f", "json", "-o", str(tmp / "out.json"), "-q"]


def symlinked_folder(tmp: Path) -> list[str]:
    real = base(tmp)
    top = tmp / "top"
    top.mkdir()
    (top / "news").symlink_to(real, target_is_directory=True)
    return ["summarize", str(top), "-f", "json", "-o", str(tmp / "out.json"), "-q"]


def only_a_loop(tmp: Path) -> list[str]:
    folder = tmp / "in"
    folder.mkdir()
    (folder / "self").symlink_to(folder, target_is_directory=True)
    return ["summarize", str(folder), "-q"]


def broken_link(tmp: Path) -> list[str]:
    folder = base(tmp)
    (folder / "gone.txt").symlink_to(tmp / "missing.txt")
    return ["summarize", str(folder), "-f", "json", "-o", str(tmp / "out.json"), "-q"]


def fifo(tmp: Path) -> list[str]:
    folder = base(tmp)
    os.mkfifo(folder / "pipe.txt")
    return ["summarize", str(folder), "-f", "json", "-o", str(tmp / "out.json"), "-q"]


def ctrl_c(mp: pytest.MonkeyPatch) -> None:
    from mdsum.pipeline import Pipeline

    def interrupted(self, *a, **k):  # noqa: ANN001,ANN002,ANN003,ANN202
        raise KeyboardInterrupt

    mp.setattr(Pipeline, "summarize_folder", interrupted)


def hub_unreachable(mp: pytest.MonkeyPatch) -> None:
    from mdsum import models

    mp.setattr(models, "hub_reachable", lambda: False)


CASES: tuple[Case, ...] = (
    # usage errors: click's usage line, exit 2
    Case("bare", "`mdsum` (no command)", lambda t: [], 2, "Usage: mdsum"),
    Case("no-folder", "`mdsum summarize` (no folder)", lambda t: ["summarize"], 2, "Missing argument 'folder'"),
    Case("typo-command", "`mdsum summarise seeds/`", lambda t: ["summarise", str(SEEDS)], 2,
         "No such command 'summarise'. Did you mean 'summarize'?"),
    Case("bad-format", "`--format xml`", lambda t: ["summarize", str(SEEDS), "--format", "xml"], 2,
         "Invalid value for '--format'"),
    Case("flag-value", "`--quiet true`", lambda t: ["summarize", str(SEEDS), "--quiet", "true"], 2,
         "Got unexpected extra argument(s) (true)"),
    Case("unknown-option", "`--colour`", lambda t: ["summarize", str(SEEDS), "--colour"], 2,
         "No such option: --colour"),
    Case("eval-no-dataset", "`mdsum evaluate` (no `--dataset`)", lambda t: ["evaluate"], 2,
         "Missing option '--dataset'"),
    Case("evalclust-no-path", "`mdsum evaluate-clustering` (no path)", lambda t: ["evaluate-clustering"], 2,
         "Missing argument 'path'"),
    # known before any work: one line, exit 1
    Case("missing-folder", "folder that does not exist", lambda t: ["summarize", str(t / "nope")], 1,
         "input folder not found"),
    Case("empty-folder", "empty folder", only(), 1, "no readable articles"),
    Case("out-proc", "`--out /proc/x.md` (unwritable)", lambda t: ["summarize", str(SEEDS), "-o", "/proc/x.md"], 1,
         "cannot write /proc/x.md: creating a file in /proc failed"),
    Case("out-folder", "`--out` is a folder", lambda t: ["summarize", str(SEEDS), "-o", str(t)], 1, "is a folder"),
    Case("out-no-parent", "`--out` in a missing folder",
         lambda t: ["summarize", str(SEEDS), "-o", str(t / "no" / "x.md")], 1, "does not exist"),
    Case("config-missing", "`--config` file that does not exist",
         lambda t: ["summarize", str(SEEDS), "-c", str(t / "no.yaml")], 1, "config file not found"),
    Case("config-typo", "config with a mistyped key (`embedder.modle`)",
         lambda t: ["summarize", str(SEEDS), "-c", config_with(t, "embedder", "modle", "x")], 1, "modle"),
    Case("embedder-path", "embedder `model:` path that does not exist",
         lambda t: ["summarize", str(SEEDS), "-c", config_with(t, "embedder", "model", "/no/such/model")], 1,
         "embedder.model: model path not found: /no/such/model"),
    Case("scorer-path", "checker's scorer `model:` path that does not exist",
         lambda t: ["summarize", str(SEEDS), "-c", config_with(t, scorer_section(), "scorer.model", "/no/ckpt")], 1,
         "scorer.model: model path not found: /no/ckpt"),
    Case("hub-offline", "hub id as embedder `model:` with the hub unreachable",
         lambda t: ["summarize", str(SEEDS), "-c", config_with(t, "embedder", "model", "org/some-model")], 1,
         "'org/some-model' is a Hugging Face hub id, but the hub is unreachable", patch=hub_unreachable),
    Case("ctrl-c", "Ctrl-C during the run (`--out` given)",
         lambda t: ["summarize", str(SEEDS), "-o", str(t / "out.md")], 130, "interrupted: nothing was written",
         patch=ctrl_c),
    # an article that gives nothing: the true reason, exit 1
    Case("run-on", "only article is one 88-word run-on line", only(("a.txt", RUN_ON)), 1,
         "no usable sentence in d1: of 1 sentence(s), 1 longer than 60 words"),
    Case("leaning", "only article's sentences each lean on another (\"This decision …\", \"It will …\")",
         only(("a.txt", LEANING)), 1, "no sentence of d1 can stand alone in a summary: of 2 sentence(s)"),
    Case("only-loop", "folder whose only entry is a symlink to itself", only_a_loop, 1,
         "self/: symlink to a folder already read"),
    Case("only-chinese", "only article is in Chinese", only(("zh.txt", CHINESE)), 1,
         "zh.txt: unsupported language: Chinese (zh)"),
    # bad files among good ones: the run succeeds (exit 0) and the manifest says what happened to each
    Case("empty-file", "empty file", json_run(("e.txt", "")), 0, "", ("e.txt", "skipped", "empty")),
    Case("short-file", "five-word file", json_run(("s.txt", "Only five words are here.")), 0, "",
         ("s.txt", "skipped", "empty: 5 words after cleaning (min_words=20)")),
    Case("nul-bytes", "binary data in a .txt", json_run(("b.txt", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))),
         0, "", ("b.txt", "skipped", "binary file (contains NUL bytes)")),
    Case("pdf", "a PDF", json_run(("scan.pdf", b"%PDF-1.4 ...")), 0, "",
         ("scan.pdf", "skipped", "binary file (.pdf); convert it to .txt or .html first")),
    Case("unsupported", "unknown extension (`.xyz`)", json_run(("notes.xyz", ARTICLE)), 0, "",
         ("notes.xyz", "skipped", "unsupported file type .xyz")),
    Case("bad-json", "malformed JSON", json_run(("x.json", '{"text": ')), 0, "",
         ("x.json", "skipped", "invalid JSON")),
    Case("bad-jsonl-line", "JSONL with one malformed line",
         json_run(("f.jsonl", json.dumps({"text": GERMAN.replace("Donnerstag", "Freitag")}) + "\n{broken\n")), 0,
         "", ("f.jsonl", "read", "line 2: invalid JSON")),
    Case("duplicate", "exact copy of another article", json_run(("copy.txt", ARTICLE)), 0, "",
         ("copy.txt", "skipped", f"duplicate of {BASE[0]}")),
    Case("near-duplicate", "copy with one sentence changed",
         json_run(("near.txt", ARTICLE.replace("on Thursday urged", "on Friday urged"))), 0, "",
         ("near.txt", "skipped", f"near-duplicate of {BASE[0]}")),
    Case("readme", "README.md in the folder", json_run(("README.md", "# Notes\n\n" + ARTICLE)), 0, "",
         ("README.md", "skipped", "not an article (documentation file)")),
    Case("hidden-file", "hidden file (`.draft.txt`)", json_run((".draft.txt", ARTICLE)), 0, "",
         (".draft.txt", "skipped", "hidden file (name starts with '.')")),
    Case("hidden-folder", "hidden folder (`.cache/`)", json_run((".cache/a.txt", ARTICLE)), 0, "",
         (".cache/", "skipped", "hidden folder (name starts with '.'): not read")),
    Case("symlink-loop", "symlink to its own folder (loop)", symlink_loop, 0, "",
         ("loop/", "skipped", "symlink to a folder already read (./): not read twice")),
    Case("symlinked-folder", "folder that is a symlink to the articles", symlinked_folder, 0, "",
         (f"news/{BASE[0]}", "read", "")),
    Case("broken-symlink", "broken symlink", broken_link, 0, "",
         ("gone.txt", "skipped", "broken symlink (points to")),
    Case("fifo", "named pipe (FIFO)", fifo, 0, "", ("pipe.txt", "skipped", "not a regular file")),
    Case("cp1252", "cp1252-encoded file",
         json_run(("w.txt", f"Caf\u00e9 owners said \u201cwe\u2019re ready\u201d. {OTHER}".encode("cp1252",
                                                                                                "replace"))), 0, "",
         ("w.txt", "read", "decoded as cp1252 (not valid UTF-8)")),
    Case("german", "article in German", json_run(("de.txt", GERMAN)), 0, "",
         ("de.txt", "read", "language: German (de); mdsum is tuned for English")),
    Case("chinese", "article in Chinese among English ones", json_run(("zh.txt", CHINESE)), 0, "",
         ("zh.txt", "skipped", "unsupported language: Chinese (zh) is written without spaces between words")),
    Case("huge-file", "8 MB text file (`reader.max_chars: 5000`)",
         json_run(("big.txt", BIG), config=("reader", "max_chars", 5000)), 0, "",
         ("big.txt", "read", "truncated: kept the first 4,")),
    Case("too-large", "file over `max_file_mb` (`reader.max_file_mb: 0.01`)",
         json_run(("big.txt", ARTICLE * 10), config=("reader", "max_file_mb", 0.01)), 0, "",
         ("big.txt", "skipped", "too large (0.0 MB > max_file_mb=0.01)")),
    Case("html-in-text", "headline with `<script>` and `<img onerror>` (Markdown out)",
         lambda t: ["summarize", str(base(t, ("x.json", json.dumps({"title": HTML_TITLE, "text": GERMAN})))), "-q"],
         0, "alert(1)Syria"),
)


def _fast_pipeline(monkeypatch: pytest.MonkeyPatch, cache: dict) -> None:
    """Reuse one loaded default pipeline across the default-config cases (the same code, models loaded once)."""
    from mdsum.pipeline import Pipeline

    original = Pipeline.from_config.__func__

    def from_config(cls, config=None):  # noqa: ANN001,ANN202
        if config is not None:
            return original(cls, config)
        if "p" not in cache:
            cache["p"] = original(cls, None)
        return cache["p"]

    monkeypatch.setattr(Pipeline, "from_config", classmethod(from_config))


_CACHE: dict = {}


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    from mdsum.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def shared_run() -> dict:
    """Holds one run over the files of every default-config JSON case in one folder (names do not clash; each
    case is about its own file's manifest entry, which does not depend on the other bad files)."""
    return {}


def _shared(cache: dict, tmp_root: Path, capsys) -> tuple[int, str, str]:
    if "result" not in cache:
        files = [f for c in CASES for f in getattr(c.build, "shared_files", ())]
        argv = ["summarize", str(base(tmp_root, *files)), "-f", "json", "-o", str(tmp_root / "out.json"), "-q"]
        cache["result"] = _run(argv, capsys)
        cache["root"] = tmp_root
    return cache["result"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys, monkeypatch, shared_run, tmp_path_factory):
    if case.id in ("fifo", "symlink-loop", "symlinked-folder", "broken-symlink", "only-loop") and os.name != "posix":
        pytest.skip("FIFOs and symlinks as on POSIX")
    _fast_pipeline(monkeypatch, _CACHE)
    if case.patch is not None:
        case.patch(monkeypatch)
    if getattr(case.build, "shared_files", ()):
        code, out, err = _shared(shared_run, shared_run.get("root") or tmp_path_factory.mktemp("shared"), capsys)
        tmp_path = shared_run["root"]
    else:
        code, out, err = _run(case.build(tmp_path), capsys)
    assert code == case.exit, (out, err)
    assert case.message in out + err, (out, err)
    assert "Traceback" not in out + err
    if case.exit == 130:
        assert err.strip().count("\n") == 0, err  # one line
        assert not any(tmp_path.iterdir()), "an interrupted run leaves no file"
    if case.manifest is not None:
        path, status, reason = case.manifest
        files = {f["path"]: f for f in json.loads((tmp_path / "out.json").read_text())["manifest"]["files"]}
        assert path in files, sorted(files)
        assert files[path]["status"] == status
        assert reason in (files[path]["reason"] or ""), files[path]
    if case.id == "html-in-text":
        assert "<script" not in out and "<img" not in out


def test_api_says_input_too_short():
    """The README's in-memory example with placeholder texts: an error that says why, not empty stories."""
    from mdsum.outcome import EmptyResultError
    from mdsum.types import Document

    pipeline = _CACHE.get("p")
    if pipeline is None:
        from mdsum.pipeline import Pipeline

        pipeline = _CACHE["p"] = Pipeline.from_config(None)
    with pytest.raises(EmptyResultError, match=r"input too short: no sentence found in a, b"):
        pipeline.summarize_documents([Document(id="a", text="..."), Document(id="b", text="...")])


def test_matrix_has_at_least_30_cases():
    assert len(CASES) >= 30 and len({c.id for c in CASES}) == len(CASES)


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else "—"


def table() -> str:
    rows = ["| # | input | exit | message (contains) | manifest entry (path: status, reason contains) |",
            "|---|---|---|---|---|"]
    for n, c in enumerate(CASES, start=1):
        entry = f"`{c.manifest[0]}`: {c.manifest[1]}" + (f", “{c.manifest[2]}”" if c.manifest[2] else "") \
            if c.manifest else ""
        rows.append(f"| {n} | {_cell(c.input)} | {c.exit} | {_cell(f'`{c.message}`' if c.message else '')} | "
                    f"{_cell(entry)} |")
    return "\n".join(rows) + "\n"


def test_docs_table_is_the_tested_matrix():
    doc = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- matrix:start -->\n(.*?)<!-- matrix:end -->", doc, re.DOTALL)
    assert found, "docs/reliability.md lost its matrix markers"
    assert found.group(1) == table(), "docs/reliability.md is stale: python tests/test_reliability.py --write"


if __name__ == "__main__":
    if "--write" in sys.argv:
        text = DOC.read_text(encoding="utf-8")
        text = re.sub(r"(<!-- matrix:start -->\n).*?(<!-- matrix:end -->)", lambda m: m.group(1) + table() + m.group(2),
                      text, flags=re.DOTALL)
        DOC.write_text(text, encoding="utf-8")
    else:
        print(table(), end="")
