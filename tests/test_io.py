"""Ingestion: formats, debris, encodings, bad inputs, duplicates, and a manifest that accounts for every file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mdsum import registry
from mdsum.errors import InputError
from mdsum.ingest.clean import clean_text, is_boilerplate, unwrap
from mdsum.ingest.decode import decode
from mdsum.ingest.formats import markdown_to_text
from mdsum.ingest.header import iso_date, parse_header
from mdsum.ingest.reader import FolderReader, _shingles, jaccard, read_folder

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "brackenford"
DEBRIS = ("Missed a Show", "Listen Here", "Local Weather", "Copyright", "©", "All rights reserved", "bookmark",
          "_GoBack", "Advertisement", "Share this article", "Sign up for our newsletter", "Subscribe",
          "Click here", "Related articles", "Follow us", "cookie", "Refinance", "Hartley's Furniture")

# ~60 distinct words: long enough for min_words and for 5-shingles to mean something.
ARTICLE = (
    "Floodwater from the Tessel River reached the market square on Saturday morning, and volunteers spent the "
    "afternoon filling sandbags outside the library. The county engineer said the levee near the old mill had "
    "been weakened by two days of rain, and that crews would inspect it again once the water fell. Shops on "
    "Bridge Street stayed closed while owners carried stock upstairs."
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def record(manifest, path: str):
    matches = [f for f in manifest.files if f.path == path]
    assert len(matches) == 1, f"{path} appears {len(matches)} times in the manifest"
    return matches[0]


# -- seeds/ -------------------------------------------------------------------------------------------------


def test_seeds_read_as_five_articles_with_metadata():
    docs, manifest = read_folder(SEEDS)
    assert [d.id for d in docs] == ["d1", "d2", "d3", "d4", "d5"]
    assert [d.path for d in docs] == sorted(p.name for p in SEEDS.iterdir() if p.name != "README.md")
    assert [d.source for d in docs] == ["The Harbor Herald", "Valley Tribune", "The Riverside Post",
                                        "Continental Press Wire", "KBRK Community Radio 91.3"]
    assert all(d.title and d.date and d.date.startswith("2026-03-1") for d in docs)
    assert docs[1].title == "Council orders independent review of flood warnings"
    assert docs[2].title == "Eastbank residents say flood sirens came too late"  # the Markdown heading
    assert all(200 <= len(d.text.split()) <= 600 for d in docs)


def test_seeds_manifest_accounts_for_every_file_and_skips_readme():
    _, manifest = read_folder(SEEDS)
    assert sorted(f.path for f in manifest.files) == sorted(p.name for p in SEEDS.iterdir())
    readme = record(manifest, "README.md")
    assert readme.status == "skipped" and readme.reason == "not an article (documentation file)"
    assert len(manifest.read) == 5


def test_seeds_have_no_debris_left():
    docs, _ = read_folder(SEEDS)
    for doc in docs:
        for junk in DEBRIS:
            assert junk.lower() not in doc.text.lower(), f"{junk!r} left in {doc.path}"
        assert not doc.text.startswith(("By ", doc.title or "\0")), "title/byline must not stay in the body"


def test_html_keeps_article_and_drops_nav_ads_footer():
    html = next(d for d in read_folder(SEEDS)[0] if d.path.endswith(".html"))
    assert "voted 7-2 on Monday night" in html.text
    assert "The review is expected to report within 90 days." in html.text
    for nav in ("Obituaries", "Sports", "47°F", "About us", "Privacy policy", "Tigers postpone"):
        assert nav not in html.text
    assert html.url == "https://valleytribune.example/news/2026/03/17/council-flood-review"


def test_markdown_syntax_is_stripped():
    md = next(d for d in read_folder(SEEDS)[0] if d.path.endswith(".md"))
    assert "**" not in md.text and "](" not in md.text and "\n#" not in md.text and "\n- " not in md.text
    assert "The Regional Hydrological Office issued a flood warning" in md.text  # link text kept
    assert "A disputed timeline" not in md.text  # section heading is not a sentence
    assert "How to file a flood insurance claim" not in md.text  # link-only list item is navigation


# -- bad inputs ---------------------------------------------------------------------------------------------


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="input folder not found: .*nope"):
        read_folder(tmp_path / "nope")


def test_empty_folder_gives_no_documents(tmp_path):
    docs, manifest = read_folder(tmp_path)
    assert docs == [] and manifest.files == ()


def test_single_file_is_a_folder_of_one(tmp_path):
    path = write(tmp_path, "one.txt", ARTICLE)
    docs, manifest = read_folder(path)
    assert [(d.id, d.path) for d in docs] == [("d1", "one.txt")]
    assert record(manifest, "one.txt").doc_ids == ("d1",)


def test_empty_and_whitespace_and_short_files_are_skipped(tmp_path):
    write(tmp_path, "a_empty.txt", "")
    write(tmp_path, "b_blank.md", "  \n\n\t \n")
    write(tmp_path, "c_short.txt", "Only five words are here.")
    write(tmp_path, "d_debris_only.txt", "Advertisement\nShare this article\nLocal Weather\n")
    docs, manifest = read_folder(tmp_path)
    assert docs == []
    assert record(manifest, "a_empty.txt").reason == "empty"
    assert record(manifest, "b_blank.md").reason == "empty"
    assert record(manifest, "c_short.txt").reason == "empty: 5 words after cleaning (min_words=20)"
    assert record(manifest, "d_debris_only.txt").reason == "empty"


def test_binary_and_unsupported_files_are_skipped(tmp_path):
    write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path, "scan.pdf", b"%PDF-1.4 not really")
    write(tmp_path, "notes.xyz", ARTICLE)
    write(tmp_path, "noext", ARTICLE)
    docs, manifest = read_folder(tmp_path)
    assert docs == []
    assert record(manifest, "photo.txt").reason.startswith("binary file")
    assert record(manifest, "scan.pdf").reason.startswith("binary file (.pdf)")
    assert record(manifest, "notes.xyz").reason.startswith("unsupported file type .xyz")
    assert record(manifest, "noext").reason.startswith("unsupported file type (no extension)")


def test_cp1252_file_is_decoded_and_noted(tmp_path):
    text = "Caf\u00e9 owners said \u201cwe\u2019re ready\u201d as the water rose. " + ARTICLE
    write(tmp_path, "legacy.txt", text.encode("cp1252"))
    docs, manifest = read_folder(tmp_path)
    assert docs[0].text.startswith("Caf\u00e9 owners said \u201cwe\u2019re ready\u201d")
    rec = record(manifest, "legacy.txt")
    assert rec.status == "read" and "cp1252" in rec.reason


def test_utf8_bom_and_utf16_decode():
    assert decode("\ufeffTitle".encode()) == ("Title", None)
    assert decode("\u00e9t\u00e9".encode("utf-16")) == ("\u00e9t\u00e9", "decoded as UTF-16")


def test_unreadable_file_is_skipped_with_the_error(tmp_path, monkeypatch):
    write(tmp_path, "locked.txt", ARTICLE)
    write(tmp_path, "open.txt", ARTICLE.replace("Saturday", "Sunday").replace("library", "school"))
    real = Path.read_bytes

    def read_bytes(self):  # running as root, chmod cannot make a file unreadable: simulate the OS error
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    docs, manifest = read_folder(tmp_path)
    assert [d.path for d in docs] == ["open.txt"]
    assert record(manifest, "locked.txt").reason == "unreadable: Permission denied"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symlinks as on POSIX")
def test_fifo_and_broken_link_are_skipped(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    _, manifest = read_folder(tmp_path)
    assert record(manifest, "pipe.txt").reason == "not a regular file"
    gone = tmp_path / "missing.txt"
    assert record(manifest, "gone.txt").reason == f"broken symlink (points to {gone}, which does not exist)"


def test_jsonl_bad_lines_are_skipped_and_the_rest_read(tmp_path):
    lines = [json.dumps({"title": "First", "text": ARTICLE, "outlet": "Gazette"}),
             '{"title": "broken", "text": ',
             json.dumps({"headline": "Third", "body": ARTICLE.replace("Saturday", "Monday evening and night")}),
             json.dumps({"title": "No text here"}),
             "",
             json.dumps(["not", "an", "object"])]
    write(tmp_path, "feed.jsonl", "\n".join(lines))
    docs, manifest = read_folder(tmp_path)
    assert [(d.id, d.path, d.title) for d in docs] == [("d1", "feed.jsonl#1", "First"), ("d2", "feed.jsonl#3", "Third")]
    assert docs[0].source == "Gazette"
    rec = record(manifest, "feed.jsonl")
    assert rec.status == "read" and rec.doc_ids == ("d1", "d2")
    assert "line 2: invalid JSON" in rec.reason
    assert "line 4: no text field" in rec.reason
    assert "line 6: not a JSON object" in rec.reason


def test_jsonl_with_no_usable_line_is_skipped(tmp_path):
    write(tmp_path, "bad.jsonl", "{oops\n[1, 2]\n")
    _, manifest = read_folder(tmp_path)
    rec = record(manifest, "bad.jsonl")
    assert rec.status == "skipped" and rec.reason.startswith("line 1: invalid JSON; line 2: not a JSON object")


def test_json_without_text_field_names_the_field(tmp_path):
    write(tmp_path, "meta.json", json.dumps({"title": "A title", "summary": "no body"}))
    write(tmp_path, "broken.json", "{not json")
    _, manifest = read_folder(tmp_path)
    assert record(manifest, "meta.json").reason.startswith("no text field (expected one of: text, body")
    assert record(manifest, "broken.json").reason.startswith("invalid JSON")


def test_json_list_and_field_aliases(tmp_path):
    items = [{"content": ARTICLE, "source": {"id": "x", "name": "Wire"}, "published_at": "2026-03-17T08:00:00Z",
              "link": "https://example.org/a"},
             {"article": ARTICLE.upper(), "publisher": "Other"}]
    write(tmp_path, "batch.json", json.dumps({"articles": items}))
    docs, manifest = read_folder(tmp_path)
    assert [(d.path, d.source, d.date, d.url) for d in docs] == [
        ("batch.json#1", "Wire", "2026-03-17", "https://example.org/a")]
    rec = record(manifest, "batch.json")
    assert rec.status == "read" and rec.reason == "item 2: duplicate of batch.json#1"


def test_exact_and_near_duplicates_are_skipped(tmp_path):
    long_text = " ".join([ARTICLE] * 4)  # ~240 words, so one changed word barely moves the Jaccard
    write(tmp_path, "a.txt", long_text)
    write(tmp_path, "b.txt", "  " + long_text.upper().replace(". ", ".\n\n"))
    write(tmp_path, "c.txt", long_text[: -len("upstairs.")] + "downstairs.")
    write(tmp_path, "d.txt", "A different story entirely: the school board met on Tuesday to approve a budget "
                             "of four million dollars, with new teachers, new buses and a repaired gym roof.")
    docs, manifest = read_folder(tmp_path)
    assert [d.path for d in docs] == ["a.txt", "d.txt"]
    assert record(manifest, "b.txt").reason == "duplicate of a.txt"
    near = record(manifest, "c.txt").reason
    c_text = (tmp_path / "c.txt").read_text()
    assert near == f"near-duplicate of a.txt (similarity {jaccard(_shingles(long_text), _shingles(c_text)):.2f})"
    assert near.startswith("near-duplicate of a.txt (similarity 0.9")
    # with a stricter threshold the near-duplicate is kept
    kept, _ = FolderReader(near_duplicate_threshold=1.0).read(tmp_path)
    assert [d.path for d in kept] == ["a.txt", "c.txt", "d.txt"]


def test_readme_license_hidden_and_subfolders(tmp_path):
    write(tmp_path, "README.md", "# About\n\n" + ARTICLE)
    write(tmp_path, "LICENSE", "Apache License 2.0 ...")
    write(tmp_path, ".hidden.txt", ARTICLE)
    write(tmp_path, ".git/config", "[core]")
    write(tmp_path, "sub/z.txt", ARTICLE)
    docs, manifest = read_folder(tmp_path)
    assert [f.path for f in manifest.files] == [".git/", ".hidden.txt", "LICENSE", "README.md", "sub/z.txt"]
    assert record(manifest, ".hidden.txt").reason == "hidden file (name starts with '.')"
    assert record(manifest, ".git/").reason == "hidden folder (name starts with '.'): not read"
    assert [d.path for d in docs] == ["sub/z.txt"]
    _, flat = FolderReader(recursive=False).read(tmp_path)
    assert record(flat, "sub/").reason == "folder not read (recursive: false)"


def test_reading_is_deterministic():
    assert read_folder(SEEDS) == read_folder(SEEDS)


def test_reader_is_registered_and_validates_params():
    assert registry.get("reader", "mdsum.folder_reader.v1") is FolderReader
    with pytest.raises(ValueError, match="min_words must be a positive integer, got 0"):
        FolderReader(min_words=0)
    with pytest.raises(ValueError, match=r"near_duplicate_threshold must be in \(0, 1\], got 1.5"):
        FolderReader(near_duplicate_threshold=1.5)
    with pytest.raises(ValueError, match="recursive must be true or false"):
        FolderReader(recursive="yes")


# -- helpers ------------------------------------------------------------------------------------------------


def test_clean_text_drops_debris_lines_only():
    raw = ("First paragraph line.\n\n\nAdvertisement\n[bookmark: _GoBack]\nShare this article\n"
           "Copyright \u00a9 2026 Valley Tribune. All rights reserved.\n"
           "The advertisement   campaign\tran for weeks, the mayor said.\n\n"
           "Last   one.[bookmark: x][citation needed]\nHistory [ edit ]")
    assert clean_text(raw) == ("First paragraph line.\n\nThe advertisement campaign ran for weeks, the mayor said."
                               "\n\nLast one.\nHistory")


@pytest.mark.parametrize("line", ["Missed a Show? Listen Here", "LOCAL WEATHER", "Sign up for our newsletter",
                                  "Subscribe to our newsletter", "Click here to read more", "Related articles",
                                  "Follow us on X for breaking news.", "We use cookies to improve your experience.",
                                  "All rights reserved."])
def test_boilerplate_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", ["The council will share this year's budget with residents on Friday.",
                                  "Residents said they clicked nothing and got no alert.", ""])
def test_news_lines_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_parse_header_title_and_byline():
    body, title, source, date = parse_header("Flood hits town\nBy A. Writer | The Herald | March 16, 2026\n\nBody.")
    assert (body, title, source, date) == ("Body.", "Flood hits town", "The Herald", "2026-03-16")
    # a first paragraph is not a title, even if it lacks a full stop, when no blank line or byline follows
    text = "The river rose overnight\nand kept rising until noon.\n\nMore."
    assert parse_header(text) == (text, None, None, None)


def test_unwrap_joins_hard_wrapped_paragraphs_only():
    wrapped = ("The river rose more than ten feet in eighteen hours after two\n"
               "days of heavy rain fell on ground still frozen from a late\n"
               "cold snap, forecasters said.")
    assert unwrap(wrapped) == " ".join(wrapped.split("\n"))
    listing = "Deaths: 3\nMissing: 2\nEvacuated: 2,300"
    assert unwrap(listing) == listing
    joined = "He said the water was rising.\nThen it stopped."
    assert unwrap("He said the water\nwas rising.\nThen it stopped.") == joined


def test_markdown_to_text():
    title, body = markdown_to_text("# Big *news*\n\nSee [the report](http://x) now.\n\n## Part two\n\n"
                                   "- [Only a link](http://y)\n- a real item\n\n```\ncode\n```\n")
    assert title == "Big news"
    assert body == "See the report now.\n\na real item"


def test_iso_date_and_jaccard():
    assert iso_date("March 16, 2026") == "2026-03-16"
    assert iso_date("2026-03-17T07:30:00-05:00") == "2026-03-17"
    assert iso_date("last Tuesday") == "last Tuesday"
    assert jaccard(frozenset({1, 2, 3}), frozenset({2, 3, 4})) == 0.5  # 2 shared / 4 in the union
    assert jaccard(frozenset(), frozenset()) == 0.0
