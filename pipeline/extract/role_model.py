"""A learned check on the role cascade: a logistic regression over the signals the rules see.

The cascade of pipeline/extract/roles.py decides each number's role from keyword tests. On texts it
was not tuned on, those tests fail both ways (a rule word anywhere in a report's sentence makes a
statistic a standard; a rule written in an unusual way is lost). The model weighs the same signals
(`_Paragraph.signals`: the document's kind, the unit's kind and the number's size, the rules' own
verdict and reason, each cue word family of schemas/roles.yaml by where it stands, the characters
right around the number) and overrules the rules where it is at least `threshold` sure of another
role; the threshold is chosen in training, as the one whose cross-validated standards score is best.
A number the rules read as part of another row (a household size, the condition of the standard
after it) keeps that reading. It is trained on the gold of the
real period texts by `python -m pipeline train-roles` (benchmarks/bench_roles.py prints its
cross-validated score, document by document) and shipped as `pipeline/models/roles.json`: plain
weights, read with no library, the same answer on every machine.

`PIPELINE_ROLE_MODEL=off` switches it off (the rules alone decide), as training does: the model
learns on the rules' verdicts, never on its own.
"""
from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "roles.json"


@dataclass(frozen=True)
class RoleModel:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    threshold: float = 0.5  # the model overrules the rules only at this probability or more (chosen by training)

    def scores(self, signals: list[str]) -> list[float]:
        """The probability of each class (softmax of the summed weights of the signals present)."""
        z = list(self.intercept)
        for s in dict.fromkeys(signals):  # a signal counts once
            w = self.weights.get(s)
            if w is not None:
                z = [a + b for a, b in zip(z, w, strict=True)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return [v / total for v in e]

    def predict(self, signals: list[str]) -> tuple[str, float]:
        """The most probable role and its probability."""
        p = self.scores(signals)
        k = max(range(len(p)), key=p.__getitem__)
        return self.classes[k], p[k]

    def decide(self, signals: list[str], rules: str) -> tuple[str, float]:
        """The role to take: the model's where it is at least `threshold` sure, else the rules' `rules`."""
        role, p = self.predict(signals)
        return (role, p) if p >= self.threshold else (rules, p)


def from_dict(data: dict) -> RoleModel:
    return RoleModel(tuple(data["classes"]), tuple(data["intercept"]),
                     {k: tuple(v) for k, v in data["weights"].items()}, float(data.get("threshold", 0.5)))


@lru_cache(maxsize=1)
def _shipped() -> RoleModel | None:
    if not MODEL_PATH.exists():
        return None
    return from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def model() -> RoleModel | None:
    """The shipped model, or None when it is switched off (PIPELINE_ROLE_MODEL=off) or absent."""
    if os.environ.get("PIPELINE_ROLE_MODEL", "on") == "off":
        return None
    return _shipped()


_recording = [False]


@contextmanager
def recording_signals():
    """Within it, every role carries its signals, whether or not a model weighs them (training reads them)."""
    _recording[0] = True
    try:
        yield
    finally:
        _recording[0] = False


def signals_wanted() -> RoleModel | None | bool:
    """Whether the roles need their signals: for training, or for a model that may overrule the rules (a model
    gated at a threshold above 1 never does, and its signals would only cost time)."""
    m = model()
    return _recording[0] or (m is not None and m.threshold <= 1.0)
