"""Raw pages: repeated and glued headlines, outlet tails, datelines, credit and caption lines; the real seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdsum.ingest.clean import clean_text, is_boilerplate
from mdsum.ingest.rawpage import split_title_tail, tidy_page
from mdsum.ingest.reader import read_folder
from mdsum.render import md_safe, source_label
from mdsum.segment import is_heading
from mdsum.types import Document

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LEAD = "Ministers met on Monday to agree the budget, officials said."


def test_repeated_headline_lines_are_dropped_and_a_glued_one_is_unglued():
    page = tidy_page(f"Budget agreed\n\nBudget agreed {LEAD}\n\nMore text here.", "Budget agreed")
    assert page.body == f"{LEAD}\n\nMore text here."


def test_headline_inside_a_sentence_is_kept():
    body = "Budget agreed by the cabinet was smaller than planned."
    assert tidy_page(body, "Budget agreed").body == body  # lower-case continuation: a sentence, not a glue


@pytest.mark.parametrize("title, head, outlet", [
    ("Jets strike targets in Syria | (RIA Novosti)", "Jets strike targets in Syria", "RIA Novosti"),
    ("Jets strike targets | The Daily Star", "Jets strike targets", "The Daily Star"),
    ("Jets strike targets", "Jets strike targets", None),
    (None, None, None),
])
def test_title_tail_names_the_outlet(title, head, outlet):
    assert split_title_tail(title) == (head, outlet)


@pytest.mark.parametrize("lead, outlet, body", [
    ("WASHINGTON — (CNN) An envoy arrived.", "CNN", "An envoy arrived."),
    ("LONDON (Reuters) - An envoy arrived.", "Reuters", "An envoy arrived."),
    ("MOSCOW, Oct. 2 (AP) — An envoy arrived.", "AP", "An envoy arrived."),
    ("(Bloomberg) -- An envoy arrived.", "Bloomberg", "An envoy arrived."),
    ("PARIS — An envoy arrived.", None, "An envoy arrived."),
    ("An envoy (UN) arrived.", None, "An envoy (UN) arrived."),
])
def test_datelines_give_the_outlet_and_leave_the_lead(lead, outlet, body):
    page = tidy_page(lead, None)
    assert (page.outlet, page.body) == (outlet, body)


def test_a_closing_outlet_line_is_the_outlet_not_a_sentence():
    page = tidy_page(f"{LEAD}\n(RIA Novosti)", None)
    assert (page.outlet, page.body) == ("RIA Novosti", LEAD)
    assert tidy_page(f"(Updated)\n{LEAD}", None).outlet is None  # a label in brackets is no outlet


@pytest.mark.parametrize("line", [
    ":: Why Is Putin Joining The Syrian Conflict?",
    "» Read the full interview",
    "READ MORE: Ten things to know",
    "Vladimir Putin addresses the general debate of the General Assembly's 70th session., September 28, 2015.",
    "Photo: John Smith",
    "The-CNN-Wire ™ & © 2015 Cable News Network, Inc., a Time Warner Company. All rights reserved. (Photo: CNN)",
    "Protesters in the square on Monday. (AP Photo/Jane Doe)",
])
def test_promo_caption_and_credit_lines_are_boilerplate(line):
    assert is_boilerplate(line)
    assert clean_text(f"{LEAD}\n{line}\n{LEAD}") == f"{LEAD}\n{LEAD}"


@pytest.mark.parametrize("line, heading", [
    ("Israel and Russian defense officials set to meet", True),
    ("‘We have been receiving military support from America’", True),
    ("Russia’s force by the numbers", True),
    (LEAD, False),
    ("“We fight terrorism.”", False),
    (" ".join(["word"] * 30), False),  # a long line is a paragraph, whatever its end
])
def test_heading_lines(line, heading):
    assert is_heading(line, 20) is heading


def test_source_label_falls_back_to_the_lead_not_the_file_name():
    doc = Document(id="d1", text="A coalition of countries has condemned Russia for killing civilians.", path="a.txt")
    assert source_label(doc) == "“A coalition of countries has condemned Russia for…” — a.txt"
    assert source_label(Document(id="d2", text="x", source="CNN", path="b.txt")) == "CNN — b.txt"


@pytest.mark.parametrize("raw, safe", [
    ("Hi <script>alert(1)</script> there", "Hi alert(1) there"),
    ('<img src=x onerror="alert(1)">Caption', "Caption"),
    ("3 < 5 and 7 > 2", "3 < 5 and 7 > 2"),
    ("<!-- hidden -->shown", "shown"),
    ("half <a href=x", "half "),
])
def test_md_safe_strips_html(raw, safe):
    assert md_safe(raw) == safe


# -- the real seeds -------------------------------------------------------------------------------------


def test_real_seeds_headlines_outlets_and_debris():
    docs, manifest = read_folder(SEEDS)
    assert len(docs) == 5 and [f.path for f in manifest.skipped] == ["README.md"]
    for d in docs:
        if d.title:
            assert d.title not in d.text, f"headline left in the body of {d.path}"
        for junk in ("::", "(Photo", "©", "Listen Here", "Local Weather", "bookmark", "| (", "(RIA Novosti)"):
            assert junk not in d.text, f"{junk!r} left in {d.path}"
    assert {d.source for d in docs} >= {"CNN", "RIA Novosti"}
    assert all("|" not in (d.title or "") for d in docs)
