"""The role model: labels from gold, a fit that the pipeline reads back, the gate that keeps the rules."""
import json
from types import SimpleNamespace

import pytest

from pipeline import train
from pipeline.extract import role_model
from pipeline.extract.role_model import RoleModel, from_dict
from tests.conftest import CORPUS, GOLD


def number(nid, start, end, lo, hi=None):
    return SimpleNamespace(number_id=nid, char_start=start, char_end=end, value_min=lo, value_max=hi if hi else lo)


def test_numbers_are_labelled_by_the_gold_quote_they_stand_in():
    text = "口粮每人每年四百斤，去年全县产粮三万斤，两件事。"
    numbers = [number("a", 6, 9, 400), number("b", 16, 19, 30000), number("c", 20, 21, 2)]
    gold = {"standards": [{"quote": "口粮每人每年四百斤", "value": 400}],
            "facts": [{"quote": "全县产粮三万斤", "value": 30000}], "exhaustive": ["standards", "facts"]}
    assert train.label_numbers(text, numbers, gold) == {"a": "standard", "b": "fact", "c": "left_out"}


def test_a_sample_of_facts_labels_no_left_out_but_keeps_what_is_no_standard():
    text = "口粮每人每年四百斤，去年全县产粮三万斤。"
    numbers = [number("a", 6, 9, 400), number("b", 16, 19, 30000)]
    gold = {"standards": [{"quote": "口粮每人每年四百斤", "value": 400}], "exhaustive": ["standards"]}
    assert train.label_numbers(text, numbers, gold) == {"a": "standard"}
    assert train.label_numbers(text, numbers, gold, {"a": "standard", "b": "fact"}) == {"a": "standard",
                                                                                         "b": "fact"}


def examples(n):
    """A made-up set: `cue` makes a standard, `said` a fact, whatever the rules thought."""
    out = []
    for k in range(n):
        for signals, label in ((("cue", f"x{k % 3}"), "standard"), (("said", f"x{k % 3}"), "fact"),
                               (("nothing",), "left_out")):
            out.append(train.Example(f"d{k % 4}", f"n{k}{label}", "", signals, "fact", label))
    return out


def test_a_fitted_model_is_plain_json_that_predicts_its_training_signals():
    model = train.fit(examples(12))
    again = json.loads(json.dumps(model))
    assert again == model  # nothing but lists, numbers and strings
    m = from_dict(model)
    assert m.predict(["cue"])[0] == "standard" and m.predict(["said"])[0] == "fact"
    assert m.predict(["nothing"])[0] == "left_out"
    assert train.fit(examples(12)) == model  # deterministic


def test_cross_validation_scores_each_document_by_a_model_that_never_saw_it():
    data = examples(12)
    cv = train.cross_validate(data)
    assert len(cv) == len(data) and {e.doc for e, _, _ in cv} == {"d0", "d1", "d2", "d3"}
    assert train.tally((e.label, role) for e, role, _ in cv)["accuracy"] == 1.0


def test_the_model_overrules_the_rules_only_when_sure_enough():
    m = RoleModel(("standard", "fact", "left_out"), (0.0, 0.0, 0.0), {"cue": (2.0, 0.0, 0.0)}, threshold=0.9)
    assert m.decide(["cue"], "fact")[0] == "fact"  # p(standard) = 0.79 < 0.9: the rules stand
    m = RoleModel(m.classes, m.intercept, {"cue": (5.0, 0.0, 0.0)}, threshold=0.9)
    assert m.decide(["cue"], "fact")[0] == "standard"


def test_a_model_that_adds_nothing_on_unseen_documents_never_overrules():
    data = examples(12)
    cv = [(e, e.rules, 0.99) for e in data]  # the model says what the rules say
    assert train.best_threshold(cv) == train.THRESHOLDS[-1]


def test_the_shipped_model_loads_and_can_be_switched_off(monkeypatch):
    m = role_model.model()
    assert m is not None and m.classes == ("standard", "fact", "left_out") and m.weights
    monkeypatch.setenv("PIPELINE_ROLE_MODEL", "off")
    assert role_model.model() is None


@pytest.mark.skipif(not GOLD.exists(), reason="the seeds' gold is not beside this clone")
def test_the_seeds_give_labelled_numbers_with_the_rules_signals():
    data = train.examples(CORPUS, GOLD)
    assert {e.label for e in data} >= {"standard", "fact"}
    assert all(e.signals and any(s.startswith("rules=") for s in e.signals) for e in data)
    standards = [e for e in data if e.label == "standard"]
    assert len(standards) == 22  # every standard the seeds' gold lists, its quote found as printed
