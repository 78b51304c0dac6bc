from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mdsum import registry
from mdsum.config import SLOTS, ComponentSpec, build, default_config_text, load_config, parse_config
from mdsum.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def _default() -> dict:
    return yaml.safe_load(default_config_text())


def test_default_config_selects_every_slot():
    cfg = load_config()
    assert [slot for slot, _ in cfg.components] == list(SLOTS)
    assert all(spec.name.startswith("mdsum.") and spec.name.endswith(".v1") for _, spec in cfg.components)


def test_configs_default_yaml_is_the_packaged_default():
    assert (ROOT / "configs" / "default.yaml").read_text() == default_config_text()


def test_unknown_top_level_key_names_it_and_lists_allowed():
    data = _default() | {"rankr": {"name": "x"}}
    with pytest.raises(ConfigError) as e:
        parse_config(data, origin="my.yaml")
    msg = str(e.value)
    assert "'rankr'" in msg and "my.yaml" in msg and "ranker" in msg


def test_a_partial_config_overrides_the_packaged_default():
    cfg = parse_config({"budget": {"max_words": 100}, "verifier": {"scorer": {"batch_size": 4}}})
    default = load_config()
    assert cfg.spec("budget").kwargs == {**default.spec("budget").kwargs, "max_words": 100}
    # nested sections merge too: the scorer keeps its name and model, only batch_size changes
    assert cfg.spec("verifier").kwargs["scorer"] == {**default.spec("verifier").kwargs["scorer"], "batch_size": 4}
    assert cfg.spec("fuser") == default.spec("fuser") and cfg.hash() != default.hash()


def test_every_argument_is_filled_in_and_hashed():
    cfg = parse_config({"ranker": {"name": "mdsum.mmr_ranker.v1", "lambda_": 0.5}},
                       base={**_default(), "ranker": {"name": "mdsum.mmr_ranker.v1"}})
    # a section naming its component starts from the component's own defaults, all written out
    assert cfg.spec("ranker").kwargs == {"lambda_": 0.5, "centrality_weight": 0.3, "support_weight": 0.2,
                                         "position_weight": 0.5, "lexrank_threshold": 0.5, "damping": 0.85}
    # the filled config round-trips through YAML with the same hash (what `mdsum config show` prints)
    assert parse_config(yaml.safe_load(load_config().to_yaml())).hash() == load_config().hash()


def test_unknown_component_key_names_it_and_lists_allowed():
    data = {"embedder": {"batchsize": 3}}
    with pytest.raises(ConfigError) as e:
        parse_config(data, origin="my.yaml")  # when the config is read, before any work
    msg = str(e.value)
    assert "'batchsize'" in msg and "batch_size" in msg and "embedder" in msg and "my.yaml" in msg


def test_nested_typo_fails_when_the_config_is_read():
    with pytest.raises(ConfigError) as e:
        parse_config({"verifier": {"scorer": {"name": "mdsum.nli_scorer.v1", "modle": "x"}}})
    assert "'modle'" in str(e.value) and "scorer" in str(e.value)


@pytest.mark.parametrize("data, moved", [({"ranker": {"max_words": 100}}, "budget.max_words"),
                                         ({"checker": {"threshold": 0.5}}, "verifier")])
def test_moved_keys_say_where_they_went(data, moved):
    with pytest.raises(ConfigError, match=moved):
        parse_config(data)


def test_bad_component_value_is_named():
    with pytest.raises(ConfigError, match="batch_size"):
        build("embedder", ComponentSpec("mdsum.sentence_transformer_embedder.v1", (("batch_size", 0),)))


def test_unknown_component_name_lists_known_names():
    with pytest.raises(ConfigError) as e:
        registry.get("ranker", "mdsum.mmr_rankr.v1")
    assert "mdsum.mmr_ranker.v1" in str(e.value)


def test_config_file_errors_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("ranker: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("42\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(scalar)


def test_hash_depends_on_values_not_formatting(tmp_path):
    a = load_config()
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(_default(), sort_keys=True))
    b = load_config(p)
    assert a.hash() == b.hash()
    assert a.with_overrides({"embedder": {"batch_size": 8}}).hash() != a.hash()


def test_overrides_reject_unknown_section():
    with pytest.raises(ConfigError, match="rankr"):
        load_config().with_overrides({"rankr": {}})


def test_config_show_prints_the_filled_in_config(tmp_path, capsys):
    from mdsum.cli import main

    partial = tmp_path / "mine.yaml"
    partial.write_text("budget:\n  max_words: 100\n", encoding="utf-8")
    assert main(["config", "show", "--config", str(partial)]) == 0
    shown = capsys.readouterr().out
    data = yaml.safe_load(shown)
    assert data["budget"] == {"name": "mdsum.word_budget.v1", "max_words": 100, "max_sentences": 10}
    assert set(data) == {*SLOTS, "seed"}
    assert load_config(partial).hash() in shown


def test_configs_topics_yaml_turns_the_learned_edge_test_off_on_large_folders():
    from mdsum.pipeline import Pipeline

    large = Pipeline.from_config(ROOT / "configs" / "topics.yaml").clusterer.large
    default = Pipeline.from_config(None).clusterer.large
    assert large.edge_model is None and large.link_probability is None
    assert default.edge_model is not None and default.link_probability == 0.3
    assert (large.threshold, large.margin, large.neighbours) == (default.threshold, default.margin, default.neighbours)
