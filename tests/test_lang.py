"""The per-article language guess and what the reader does with it; the article cap; folder walking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mdsum.ingest import lang
from mdsum.ingest.clean import truncate
from mdsum.ingest.reader import FolderReader, read_folder

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

SAMPLES = {
    "en": "The council said on Monday that the river had risen and that shelters were open for residents.",
    "de": "Der Rat sagte am Montag, dass der Fluss gestiegen sei und die Notunterkünfte für die Bewohner offen sind.",
    "fr": "Le conseil a déclaré lundi que la rivière était montée et que les abris étaient ouverts pour les habitants.",
    "es": "El consejo dijo el lunes que el río había crecido y que los refugios estaban abiertos para los vecinos.",
    "ru": "Совет заявил в понедельник, что уровень реки поднялся и что убежища открыты для жителей.",
    "zh": "议会周一表示，河水已经上涨，避难所已向居民开放。",
    "ja": "議会は月曜日、川の水位が上昇し、避難所が住民に開放されたと発表した。",
    "ko": "의회는 월요일 강물이 불어났고 대피소가 주민들에게 개방됐다고 밝혔다.",
}


@pytest.mark.parametrize("code, text", SAMPLES.items())
def test_detect(code, text):
    assert lang.detect(text) == code


@pytest.mark.parametrize("text", ["", "12345 678", "Xq zv blorp"])
def test_undetermined(text):
    assert lang.detect(text) == "und"


def test_real_seeds_are_english():
    assert {lang.detect(d.text) for d in read_folder(SEEDS)[0]} == {"en"}


def test_unspaced_languages_are_skipped_as_unsupported_and_others_noted(tmp_path):
    (tmp_path / "zh.txt").write_text(SAMPLES["zh"] * 10)
    (tmp_path / "de.txt").write_text(SAMPLES["de"] * 3)
    docs, manifest = read_folder(tmp_path)
    files = {f.path: f for f in manifest.files}
    assert files["zh.txt"].status == "skipped" and files["zh.txt"].reason.startswith("unsupported language: Chinese")
    assert files["de.txt"].status == "read" and "language: German (de)" in files["de.txt"].reason
    assert [d.path for d in docs] == ["de.txt"]


def test_truncate_prefers_paragraph_then_sentence_ends():
    text = "A" * 60 + ".\n\n" + "B" * 30 + ". C" + "c" * 30
    assert truncate(text, 80) == "A" * 60 + "."
    assert truncate("x" * 10 + ". " + "y" * 100, 20) == "x" * 10 + "."  # k >= max/2
    assert truncate("z" * 50, 20) == "z" * 20  # no boundary: a hard cut


def test_an_article_over_max_chars_is_cut_and_the_manifest_says_so(tmp_path):
    para = "The council met on Monday and agreed to build a new levee along the river.\n\n"
    (tmp_path / "long.txt").write_text(para * 30)  # 2,280 characters: parsed whole (< 3 x max_chars), then cut
    (tmp_path / "huge.txt").write_text(para.replace("Monday", "Friday") * 1000)  # only its start is parsed
    docs, manifest = FolderReader(max_chars=1000).read(tmp_path)
    assert all(len(d.text) <= 1000 and d.text.endswith("river.") for d in docs)
    reasons = {f.path: f.reason for f in manifest.files}
    assert reasons["long.txt"] == f"truncated: kept the first {len(docs[1].text):,} characters (of 2,278; " \
        "max_chars=1,000)"
    assert reasons["huge.txt"] == f"truncated: kept the first {len(docs[0].text):,} characters (the file has " \
        "76,000; max_chars=1,000)"
    with pytest.raises(ValueError, match="max_chars"):
        FolderReader(max_chars=10)


@pytest.mark.skipif(os.name != "posix", reason="symlinks as on POSIX")
def test_symlinked_folders_are_followed_once(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text(" ".join(["word"] * 5) + " " + SAMPLES["en"] * 3)
    top = tmp_path / "top"
    top.mkdir()
    (top / "one").symlink_to(real, target_is_directory=True)
    (top / "two").symlink_to(real, target_is_directory=True)
    (real / "back").symlink_to(top, target_is_directory=True)  # a loop through both
    docs, manifest = read_folder(top)
    assert [d.path for d in docs] == ["one/a.txt"]
    files = {f.path: f.reason for f in manifest.files}
    assert files["two/"] == "symlink to a folder already read (one/): not read twice"
    assert files["one/back/"] == "symlink to a folder already read (./): not read twice"
