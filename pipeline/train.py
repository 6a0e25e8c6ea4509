"""Training the role model (pipeline/extract/role_model.py) from reference annotations.

    python -m pipeline train-roles [--corpus ../shared/real --gold ../shared/gold/real.yaml] …

Every number the pipeline finds in an annotated text is labelled with the role the gold gives it:
`standard` where it stands inside the quote of a gold standard and carries one of its values, `fact`
likewise for a gold fact, and `left_out` for every other number of a text annotated exhaustively (in
a text whose gold lists every standard but only a sample of facts, a number no gold row names keeps
the rules' fact or left-out role, since it is no standard). Its signals are what the rules saw,
with the model switched off, so the model learns to correct the rules, never itself.

The model is scikit-learn's L2-regularised multinomial logistic regression over binary signals
(`pip install -e '.[train]'`); its weights are written as plain JSON, which the pipeline reads with no
library. `cross_validate` scores it document by document: each text is scored by a model trained on
all the others, so the figure says how it does on a text it has never seen.
"""
from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.extract.role_model import MODEL_PATH

CLASSES = ("standard", "fact", "left_out")
DEFAULT_C = 1.0  # the inverse regularisation strength, chosen by cross-validation (benchmarks/bench_roles.py)
MIN_COUNT = 2  # a signal seen in fewer training numbers carries no weight


@dataclass(frozen=True)
class Example:
    doc: str  # the corpus file name
    number_id: str
    quote: str
    signals: tuple[str, ...]
    rules: str  # the cascade's role
    label: str  # the gold's role


def _close(a, b) -> bool:
    return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-4, abs_tol=1e-4)


# punctuation an annotator may write in the other width, or for another mark of the same pause
_PAUSES = {c: "[，,、]" for c in "，,、"} | {c: "[；;]" for c in "；;"} | {c: "[：:]" for c in "：:"} | \
    {c: "[（(]" for c in "（("} | {c: "[）)]" for c in "）)"}


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where the gold's quote stands in the text as printed: line breaks and spaces between its characters
    allowed, and a pause mark in either width (the annotators write 母豬,種豬 for 母豬，種豬)."""
    if not quote:
        return []
    pattern = r"\s*".join(_PAUSES.get(c, re.escape(c)) for c in quote if not c.isspace())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def label_numbers(text: str, numbers: list, gold_doc: dict, rules: dict[str, str] | None = None) -> dict[str, str]:
    """number_id → gold role, for the numbers (NumberRow) of one text whose gold is `gold_doc`. In a text whose
    gold lists every standard but only a sample of facts, a number no gold row names is no standard: it keeps
    the rules' role (`rules`: number_id → role) where that is fact or left out, and is not labelled otherwise."""
    labels: dict[str, str] = {}
    for role, key in (("standard", "standards"), ("fact", "facts")):
        for g in gold_doc.get(key) or []:
            spans = _spans(text, str(g.get("quote") or ""))
            values = [g.get(k) for k in ("value", "min", "max", "base_value") if g.get(k) is not None]
            inside = [n for n in numbers if n.number_id not in labels and n.char_start is not None
                      and any(a <= n.char_start and n.char_end <= b + 2 for a, b in spans)]
            hit = next((n for n in inside if any(_close(v, n.value_min) or _close(v, n.value_max) for v in values)),
                       inside[0] if inside else None)
            if hit is not None:
                labels[hit.number_id] = role
    exhaustive = set(gold_doc.get("exhaustive") or [])
    if {"standards", "facts"} <= exhaustive:
        for n in numbers:
            labels.setdefault(n.number_id, "left_out")
    elif "standards" in exhaustive and rules:
        for n in numbers:
            if n.number_id not in labels and rules.get(n.number_id, "standard") != "standard":
                labels[n.number_id] = rules[n.number_id]
    return labels


def examples(corpus: Path, gold: Path) -> list[Example]:
    """The labelled numbers of every text of `corpus` that `gold` annotates, read with the rules alone."""
    from pipeline.build import structure_file
    from pipeline.extract import extract
    from pipeline.extract.role_model import recording_signals

    previous = os.environ.get("PIPELINE_ROLE_MODEL")
    os.environ["PIPELINE_ROLE_MODEL"] = "off"
    try:
        out: list[Example] = []
        with recording_signals():
            for gd in yaml.safe_load(gold.read_text(encoding="utf-8"))["documents"]:
                path = corpus / gd["file"]
                if not path.exists():
                    continue
                sd = structure_file(path)
                seen: list = []
                extract(sd, on_number=lambda row, role, seen=seen: seen.append((row, role)))
                labels = label_numbers(sd.normalized.source.text, [row for row, _ in seen], gd,
                                       {row.number_id: role.role for row, role in seen})
                out += [Example(gd["file"], row.number_id, row.quote, role.signals, role.rules or role.role,
                                labels[row.number_id]) for row, role in seen if row.number_id in labels]
        return out
    finally:
        if previous is None:
            os.environ.pop("PIPELINE_ROLE_MODEL", None)
        else:
            os.environ["PIPELINE_ROLE_MODEL"] = previous


def fit(train: Iterable[Example], c: float = DEFAULT_C) -> dict:
    """A model (as the JSON the pipeline reads) fitted to `train`."""
    from sklearn.linear_model import LogisticRegression

    train = list(train)
    counts: dict[str, int] = {}
    for e in train:
        for s in set(e.signals):
            counts[s] = counts.get(s, 0) + 1
    names = sorted(s for s, n in counts.items() if n >= MIN_COUNT)
    index = {s: k for k, s in enumerate(names)}
    x = _matrix(train, index)
    y = [CLASSES.index(e.label) for e in train]
    present = sorted(set(y))
    clf = LogisticRegression(C=c, max_iter=5000, tol=1e-8)
    clf.fit(x, y)
    # classes absent from the training set get no weight and a very low intercept
    intercept = [-30.0] * len(CLASSES)
    weights = {s: [0.0] * len(CLASSES) for s in names}
    if len(present) == 2:  # scikit-learn fits one binary model: class present[1] against present[0]
        intercept[present[0]], intercept[present[1]] = 0.0, float(clf.intercept_[0])
        for s, k in index.items():
            weights[s][present[1]] = float(clf.coef_[0][k])
    else:
        for row, cls in enumerate(clf.classes_):
            intercept[cls] = float(clf.intercept_[row])
            for s, k in index.items():
                weights[s][cls] = float(clf.coef_[row][k])
    return {"classes": list(CLASSES), "intercept": [round(v, 6) for v in intercept],
            "weights": {s: [round(v, 6) for v in w] for s, w in weights.items() if any(abs(v) > 1e-6 for v in w)},
            "trained_on": {"numbers": len(train), "documents": len({e.doc for e in train}), "c": c}}


def _matrix(rows: list[Example], index: dict[str, int]):
    from scipy.sparse import csr_matrix

    data, cols, ptr = [], [], [0]
    for e in rows:
        ks = sorted({index[s] for s in e.signals if s in index})
        cols += ks
        data += [1.0] * len(ks)
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(rows), len(index)))


THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)  # 1.01: the model never overrules the rules


def cross_validate(data: list[Example], c: float = DEFAULT_C) -> list[tuple[Example, str, float]]:
    """Each number with the role and probability a model trained on every other document gives it (leave one
    document out)."""
    from pipeline.extract.role_model import from_dict

    out = []
    for doc in sorted({e.doc for e in data}):
        model = from_dict(fit((e for e in data if e.doc != doc), c))
        out += [(e, *model.predict(list(e.signals))) for e in data if e.doc == doc]
    return out


def gated(cv: list[tuple[Example, str, float]], threshold: float) -> list[tuple[str, str]]:
    """(gold, taken) pairs where the model overrules the rules only at `threshold` or more."""
    return [(e.label, role if p >= threshold else e.rules) for e, role, p in cv]


def f1(t: dict) -> float:
    p, r = t["standard_precision"], t["standard_recall"]
    return 2 * p * r / (p + r) if p + r else 0.0


MIN_GAIN = 0.005  # the cross-validated standards F1 the model must add to the rules' before it may overrule them


def best_threshold(cv: list[tuple[Example, str, float]]) -> float:
    """The threshold whose cross-validated standards F1 is best (the higher one on a tie: fewer overrules), or
    1.01 (never overrule) when even the best adds less than MIN_GAIN to the rules alone: a model that does not
    do better on texts it has not seen only repeats what it memorised of the texts it has."""
    best = max(THRESHOLDS, key=lambda t: (round(f1(tally(gated(cv, t))), 4), t))
    rules = f1(tally(gated(cv, THRESHOLDS[-1])))
    return best if f1(tally(gated(cv, best))) >= rules + MIN_GAIN else THRESHOLDS[-1]


def tally(pairs: Iterable[tuple[str, str]]) -> dict[str, float | int]:
    """Accuracy, and the precision and recall of `standard`, over (gold, predicted) pairs."""
    pairs = list(pairs)
    right = sum(g == p for g, p in pairs)
    hit = sum(g == p == "standard" for g, p in pairs)
    predicted = sum(p == "standard" for _, p in pairs)
    wanted = sum(g == "standard" for g, _ in pairs)
    return {"numbers": len(pairs), "accuracy": right / len(pairs) if pairs else 0.0,
            "standard_precision": hit / predicted if predicted else 0.0,
            "standard_recall": hit / wanted if wanted else 0.0, "standards_found": hit, "standards_predicted":
            predicted, "standards_wanted": wanted}


def train(sources: list[tuple[Path, Path]], out: Path = MODEL_PATH, c: float = DEFAULT_C) -> dict:
    """Fit the model on every (corpus, gold) pair and write it to `out`; returns the model with its
    leave-one-document-out figures beside those of the rules alone."""
    data = [e for corpus, gold in sources for e in examples(corpus, gold)]
    cv = cross_validate(data, c)
    model = fit(data, c)
    model["threshold"] = threshold = best_threshold(cv)
    model["cross_validated"] = {"rules": tally((e.label, e.rules) for e in data),
                                "model": tally(gated(cv, threshold)),
                                "model_alone": tally((e.label, role) for e, role, _ in cv)}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(out)
    return model
