from __future__ import annotations

import pytest


def test_grid_is_the_protocols_24_settings(load_script):
    mod = load_script("tune_ranker")
    settings = mod.grid()
    names = [mod.setting_name(s) for s in settings]
    assert len(settings) == 24 == len(set(names))
    assert sum(s["selection"] == "greedy" for s in settings) == 4
    assert "ilp-bigram-df0.3-position0.5" in names


def test_paired_bootstrap_p_value(load_script):
    mod = load_script("tune_ranker")
    mean, low, high, p = mod.paired([1.0, 2.0, 3.0, 2.0])
    assert mean == 2.0 and 1.0 <= low <= high <= 3.0 and p == 0.0  # every difference positive
    assert mod.paired([-1.0, -2.0])[3] == 1.0


def test_rule_maximises_the_worst_condition(load_script):
    mod = load_script("tune_ranker")

    def scores(r1s):  # one cluster per condition; R2 = 0
        keys = [f"{name}@{b}" for name, _, budgets in mod.DATASETS for b in budgets]
        return {k: [(v, 0.0, 100)] * mod.FOLDS for k, v in zip(keys, r1s)}

    base = [30.0] * 6
    results = {
        "mmr": {"setting": None, "scores": scores(base)},
        "old": {"setting": None, "scores": scores([29.0] * 6)},
        "steady": {"setting": {"a": 1}, "scores": scores([30.5] * 6)},  # worst +0.5
        "spiky": {"setting": {"a": 2}, "scores": scores([35.0] * 5 + [29.9])},  # better mean, worst -0.1
    }
    assert mod.pick(results) == "steady"
    with pytest.raises(KeyError):
        mod.pick({"old": results["old"]})


def test_grid5_is_the_round_5_protocol(load_script):
    mod = load_script("tune_ranker")
    names = [mod.setting_name(s) for s in mod.grid5()]
    assert names == ["ilp-bigram-df0.3-position0.5", "ilp-bigram-df0.3-position0.5-learned",
                     "ilp-bigram-df0-position0.5-learned"]
