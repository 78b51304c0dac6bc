from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mdsum.errors import InputError
from mdsum.evaluation import loaders
from mdsum.evaluation.loaders import Cluster, load_benchmark, sample


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _row(i: int, n_docs: int = 2) -> dict:
    return {"id": f"c{i}", "documents": [{"id": f"c{i}-d{j}", "title": f"T{j}", "text": f"Doc {j} of {i}.",
                                          "source": "Outlet", "url": None} for j in range(n_docs)],
            "summaries": [f"Reference {i}."]}


def test_common_schema_maps_fields(tmp_path):
    row = _row(0)
    row["documents"].append({"id": "empty", "text": "   "})  # empty documents are dropped
    [c] = load_benchmark(str(_write_jsonl(tmp_path / "x.jsonl", [row])))
    assert c.id == "c0" and c.references == ("Reference 0.",)
    assert [d.id for d in c.documents] == ["c0-d0", "c0-d1"]
    assert c.documents[1].title == "T1" and c.documents[1].source == "Outlet" and c.documents[1].url is None


def test_multinews_row_format_is_split_and_cleaned(tmp_path):
    row = {"document": "First story.NEWLINE_CHARNEWLINE_CHARMore. story_separator_special_tag Second story.",
           "summary": "– The summary."}
    [c] = load_benchmark(str(_write_jsonl(tmp_path / "mn.jsonl", [row])))
    assert [d.text for d in c.documents] == ["First story.\n\nMore.", "Second story."]
    assert c.references == ("The summary.",)
    assert c.id == "mn-1"  # no id: file stem and line number
    hub = loaders.row_to_cluster({"document": "A. ||||| B. </s> C.", "summary": ["S1", "S2"]}, "r0")
    assert [d.text for d in hub.documents] == ["A.", "B.", "C."] and hub.references == ("S1", "S2")


def test_src_tgt_pair(tmp_path):
    (tmp_path / "test.src").write_text("a story_separator_special_tag b\nc\n", encoding="utf-8")
    (tmp_path / "test.tgt").write_text("ref one\nref two\n", encoding="utf-8")
    clusters = load_benchmark(str(tmp_path / "test.tgt"))
    assert [len(c.documents) for c in clusters] == [2, 1]
    assert [c.references for c in clusters] == [("ref one",), ("ref two",)]
    assert len(load_benchmark(str(tmp_path), split="test")) == 2  # folder holding test.src/.tgt


def test_folder_with_split_files(tmp_path):
    _write_jsonl(tmp_path / "test.jsonl", [_row(0)])
    _write_jsonl(tmp_path / "val.jsonl", [_row(1), _row(2)])
    assert [c.id for c in load_benchmark(str(tmp_path))] == ["c0"]
    assert [c.id for c in load_benchmark(str(tmp_path), split="val")] == ["c1", "c2"]


def test_duc_per_topic_layout(tmp_path):
    for topic in ("t1", "t2"):
        (tmp_path / topic / "docs").mkdir(parents=True)
        (tmp_path / topic / "models").mkdir()
        (tmp_path / topic / "docs" / "a.txt").write_text(f"Article A about {topic}.", encoding="utf-8")
        (tmp_path / topic / "docs" / "b.txt").write_text(f"Article B about {topic}.", encoding="utf-8")
        (tmp_path / topic / "models" / "A").write_text(f"Model summary of {topic}.", encoding="utf-8")
    clusters = load_benchmark(str(tmp_path))
    assert [c.id for c in clusters] == ["t1", "t2"]
    assert [d.text for d in clusters[0].documents] == ["Article A about t1.", "Article B about t1."]
    assert clusters[1].references == ("Model summary of t2.",)


def test_duc_distribution_layout_with_sgml(tmp_path):
    (tmp_path / "docs" / "d30001t").mkdir(parents=True)
    (tmp_path / "models").mkdir()
    (tmp_path / "docs" / "d30001t" / "APW1").write_text(
        "<DOC><DOCNO> APW1 </DOCNO><HEADLINE> Storm hits </HEADLINE><TEXT><P>A storm hit the coast.</P>"
        "<P>Thousands lost power.</P></TEXT></DOC>", encoding="utf-8")
    (tmp_path / "models" / "D30001.M.100.T.A").write_text("A storm cut power.", encoding="utf-8")
    (tmp_path / "models" / "D30001.M.100.T.B").write_text("Power was lost.", encoding="utf-8")
    (tmp_path / "models" / "D30002.M.100.T.A").write_text("Other topic.", encoding="utf-8")
    [c] = load_benchmark(str(tmp_path))
    assert c.id == "d30001t"
    assert c.documents[0].title == "Storm hits"
    assert c.documents[0].text == "A storm hit the coast.\n\nThousands lost power."
    assert c.references == ("A storm cut power.", "Power was lost.")


def test_bad_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_row(0)) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: not valid JSON"):
        load_benchmark(str(path))
    _write_jsonl(path, [_row(0), {"id": "x", "documents": [{"title": "no text"}], "summaries": ["s"]}])
    with pytest.raises(InputError, match=r"bad\.jsonl:2: .*needs a 'text' string"):
        load_benchmark(str(path))
    _write_jsonl(path, [{"id": "x", "documents": [{"text": "t"}]}])
    with pytest.raises(InputError, match="no reference summary"):
        load_benchmark(str(path))


def test_duplicate_cluster_ids_rejected(tmp_path):
    with pytest.raises(InputError, match="duplicate cluster id 'c0'"):
        load_benchmark(str(_write_jsonl(tmp_path / "d.jsonl", [_row(0), _row(0)])))


def test_limit_is_a_seeded_sample_in_file_order(tmp_path):
    path = str(_write_jsonl(tmp_path / "many.jsonl", [_row(i, 1) for i in range(30)]))
    a = [c.id for c in load_benchmark(path, limit=5, seed=1)]
    assert a == [c.id for c in load_benchmark(path, limit=5, seed=1)]  # deterministic
    assert a != [c.id for c in load_benchmark(path, limit=5, seed=2)]  # the seed matters
    assert a == sorted(a, key=lambda x: int(x[1:]))  # file order kept
    assert len(load_benchmark(path, limit=100)) == 30
    with pytest.raises(InputError, match="positive"):
        load_benchmark(path, limit=0)


def test_sample_without_limit_is_identity():
    clusters = [Cluster(str(i), (), ()) for i in range(3)]
    assert sample(clusters, None, 0) == clusters


def test_hub_name_offline_fails_fast(monkeypatch):
    start = time.perf_counter()
    with pytest.raises(InputError, match="local JSON Lines file"):
        load_benchmark("multinews")
    # Also when the offline flags are off but the hub cannot be reached: probe, then cache only.
    import datasets.config as dconfig
    import huggingface_hub.constants as hconst

    monkeypatch.setattr(dconfig, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hconst, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(loaders, "_reachable", lambda endpoint, timeout=3.0: False)
    with pytest.raises(InputError, match="unreachable"):
        load_benchmark("wcep10")
    assert dconfig.HF_HUB_OFFLINE is False  # the temporary offline switch is undone
    assert time.perf_counter() - start < 20


def test_unknown_name_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="neither an existing file"):
        load_benchmark("no-such-benchmark")
    with pytest.raises(InputError, match="not found"):
        load_benchmark(str(tmp_path / "missing.jsonl"))


@pytest.mark.skipif(not Path("/work/shared/data/multinews/test_longbench200.jsonl").is_file(),
                    reason="shared Multi-News data not available")
def test_real_multinews_file():
    clusters = load_benchmark("/work/shared/data/multinews/test_longbench200.jsonl")
    assert len(clusters) == 200 and sum(len(c.documents) for c in clusters) == 570


def test_benchmark_documents_get_the_folder_readers_cleaning(tmp_path):
    """`mdsum evaluate` must score what `mdsum summarize` would make of the same article."""
    import json

    from mdsum.evaluation.loaders import load_benchmark
    from mdsum.ingest.reader import FolderReader

    raw = ("Advertisement\nThe council voted on Monday to close the Harlow bridge for repairs, officials said.\n"
           "Share this article\nRepair crews will start work next week and the bridge will reopen in June.\n")
    (tmp_path / "one.jsonl").write_text(json.dumps({"id": "c1", "documents": [{"text": raw, "source": "Herald"}],
                                                    "summaries": ["The bridge closes."]}) + "\n", encoding="utf-8")
    (doc,) = load_benchmark(str(tmp_path / "one.jsonl"))[0].documents
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"text": raw, "source": "Herald"}), encoding="utf-8")
    (read,), _ = FolderReader().read(folder)
    assert "Advertisement" not in doc.text and "Share this" not in doc.text
    assert (doc.text, doc.source) == (read.text, read.source)
