"""The CLI is thin: same results as the API, one-line errors, non-zero exits."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from mdsum import __version__
from mdsum.cli import main
from mdsum.config import default_config_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "brackenford"  # the fictional set: contested figures, every format


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out


def test_summarize_seeds_prints_cited_markdown(capsys):
    code, out, err = run(capsys, "summarize", str(SEEDS), "--quiet")
    assert code == 0, err
    assert "[1]" in out and "Sources:" in out


def test_json_to_file_matches_stdout_and_is_valid(capsys, tmp_path):
    target = tmp_path / "s.json"
    code, _, err = run(capsys, "summarize", str(SEEDS), "-f", "json", "-o", str(target), "-q")
    assert code == 0, err
    code, out, _ = run(capsys, "summarize", str(SEEDS), "-f", "json", "-q")
    assert target.read_text().rstrip("\n") == out.rstrip("\n")
    data = json.loads(out)
    assert len(data["stories"]) == 1


def test_html_output(capsys, tmp_path):
    target = tmp_path / "s.html"
    code, _, err = run(capsys, "summarize", str(SEEDS), "-f", "html", "-o", str(target), "-q")
    assert code == 0, err
    assert target.read_text().lstrip().lower().startswith("<!doctype html")


def _one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for n in needles:
        assert n in err, (n, err)


def test_missing_folder(capsys, tmp_path):
    code, _, err = run(capsys, "summarize", str(tmp_path / "nope"))
    _one_line_error(code, err, "nope")


def test_empty_folder(capsys, tmp_path):
    code, _, err = run(capsys, "summarize", str(tmp_path))
    _one_line_error(code, err, "no readable articles")


def test_folder_of_only_bad_files_names_them(capsys, tmp_path):
    (tmp_path / "blank.txt").write_text("   \n")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 4)
    code, _, err = run(capsys, "summarize", str(tmp_path))
    _one_line_error(code, err, "blank.txt", "image.txt")


def _config(tmp_path: Path, edit) -> Path:  # noqa: ANN001
    data = yaml.safe_load(default_config_text())
    edit(data)
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_unknown_config_key(capsys, tmp_path):
    cfg = _config(tmp_path, lambda d: d["ranker"].update(max_wrds=10))
    code, _, err = run(capsys, "summarize", str(SEEDS), "-c", str(cfg))
    _one_line_error(code, err, "max_wrds", "ranker")


def test_missing_model_path(capsys, tmp_path):
    cfg = _config(tmp_path, lambda d: d["embedder"].update(model=str(tmp_path / "no-model")))
    code, _, err = run(capsys, "summarize", str(SEEDS), "-c", str(cfg))
    _one_line_error(code, err, "no-model")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_as_user(capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    code, _, err = run(capsys, "summarize", str(SEEDS), "-o", str(ro / "x.md"))
    _one_line_error(code, err, "x.md")


def test_output_into_missing_folder(capsys, tmp_path):
    code, _, err = run(capsys, "summarize", str(SEEDS), "-o", str(tmp_path / "no" / "dir" / "x.md"))
    _one_line_error(code, err, "x.md")


def test_skipped_files_are_reported_not_fatal(capsys, tmp_path):
    shutil.copytree(SEEDS, tmp_path / "in")
    (tmp_path / "in" / "junk.bin").write_bytes(b"\x00\x01\x02" * 100)
    code, out, err = run(capsys, "summarize", str(tmp_path / "in"))
    assert code == 0
    assert "junk.bin" in out and "[1]" in out  # markdown lists skipped inputs
    code, _, err = run(capsys, "summarize", str(tmp_path / "in"), "-f", "json")
    assert code == 0 and "junk.bin" in err


def test_output_path_that_is_a_folder(capsys, tmp_path):
    code, _, err = run(capsys, "summarize", str(SEEDS), "-o", str(tmp_path))
    _one_line_error(code, err, "is a folder")


# -- exit codes, Ctrl-C, progress (issue 13) -------------------------------------------------------------


def test_usage_errors_in_a_real_process_exit_2_without_traceback():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "mdsum", "summarise", str(SEEDS)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Usage:" in proc.stderr and "No such command 'summarise'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.skipif(os.name != "posix", reason="SIGINT as on POSIX")
def test_ctrl_c_in_a_real_process_exits_130_and_writes_nothing(tmp_path):
    import signal
    import subprocess
    import sys

    target = tmp_path / "out.md"
    proc = subprocess.Popen([sys.executable, "-m", "mdsum", "summarize", str(SEEDS), "-o", str(target)],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    first = proc.stderr.readline()  # the first plain progress line: the run is under way
    assert first.startswith("mdsum: "), first
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=120) == 130, rest
    assert [ln for ln in rest.splitlines() if not ln.startswith("mdsum: ")] == ["interrupted: nothing was written"]
    assert list(tmp_path.iterdir()) == []  # no output, no temp file


def _swallowing_run(then: str):
    """A stand-in for Pipeline.summarize_folder whose "library" catches the KeyboardInterrupt of a real SIGINT, as
    transformers' lazy imports did in real interrupts while a model loaded; then it reports progress, returns, or
    fails with the unrelated-looking error a cut-short import produced."""
    import signal
    import time

    from mdsum.errors import ModelError

    def fake(self, folder, progress, *args):  # noqa: ANN001,ANN002,ANN202
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1.0)
        except KeyboardInterrupt:
            pass  # swallowed
        if then == "progress":
            progress("summarize", 1, 1)
        if then == "error":
            raise ModelError("cannot load embedding model 'x': Could not import module 'TrainerCallback'")
        return None

    return fake


@pytest.mark.skipif(os.name != "posix", reason="SIGINT as on POSIX")
@pytest.mark.parametrize("then", ["progress", "return", "error"])
def test_a_swallowed_ctrl_c_still_exits_130_and_writes_nothing(capsys, tmp_path, monkeypatch, then):
    from mdsum.pipeline import Pipeline

    monkeypatch.setattr(Pipeline, "summarize_folder", _swallowing_run(then))
    target = tmp_path / "out.md"
    code, out, err = run(capsys, "summarize", str(SEEDS), "-o", str(target), "-q")
    assert code == 130 and err.strip() == "interrupted: nothing was written"
    assert list(tmp_path.iterdir()) == [] and out == ""
    code, _, _ = run(capsys, "--version")
    assert code == 0  # the latch is reset for the next command


def test_progress_lines_without_a_terminal_and_quiet_silences_them(capsys):
    code, _, err = run(capsys, "summarize", str(SEEDS))
    assert code == 0
    lines = [ln for ln in err.splitlines() if ln.startswith("mdsum: ")]
    assert any(ln.startswith("mdsum: embed ") for ln in lines) and any("summarize 1/1" in ln for ln in lines)
    code, _, err = run(capsys, "summarize", str(SEEDS), "-q")
    assert code == 0 and err == ""


def test_plain_progress_is_throttled():
    from rich.console import Console

    from mdsum.cli import Progress

    console = Console(file=__import__("io").StringIO(), force_terminal=False)
    ticks = iter(range(1000))  # one second per call
    with Progress(quiet=False, interval=50, console=console, clock=lambda: float(next(ticks))) as p:
        for k in range(100):
            p("embed", k, 100)
        p("embed", 100, 100)
        p("summarize", 0, 2)
    assert console.file.getvalue().splitlines() == ["mdsum: embed 0/100", "mdsum: embed 50/100 (50 s, about 50 s left)",
                                                    "mdsum: embed 100/100 (100 s)", "mdsum: summarize 0/2"]


def test_an_empty_story_beside_a_full_one_is_a_warning_with_its_reason(capsys, tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "in")
    run_on = " ".join(("the harvest festival in the valley drew farmers who sold apples and pears and cider and "
                       "honey while children rode ponies and bands played").split() * 4)[:560]
    (tmp_path / "in" / "fair.txt").write_text(run_on + "\n")
    code, out, err = run(capsys, "summarize", str(tmp_path / "in"), "-q")
    assert code == 0, err
    assert "warning: story 2 has no summary: no usable sentence in d6" in err and "longer than 60 words" in err
