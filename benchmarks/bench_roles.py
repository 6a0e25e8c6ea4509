"""How the role of a number and the family of a standard carry to texts the pipeline was not built on.

    python3 benchmarks/bench_roles.py [--real ../shared/real] [--gold ../shared/gold/real.yaml] [--db FILE]

Prints two measures of generality, as docs/roles.md explains:

1. The role model, cross-validated by document: every annotated text (the 46 real texts and the
   seeds) scored by a model trained on all the others, beside the rules alone and the model as the
   pipeline gates it (it overrules the rules only at the threshold training chose). Per document
   too, so that a text the model helps or hurts shows.
2. The gold scorer's figures on the whole build, split into the texts the rules were worked on and
   the 10 texts held out of that loop (HELD_OUT below, named before the work began and scored only at
   its end): the gap between the two is what the rules owe to the texts at hand.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# the texts kept out of the rules' working loop (by their number in ../shared/real)
HELD_OUT = ("04", "12", "13", "17", "24", "43", "45", "55", "66", "72")
MEASURES = ("standards.recall", "standards.precision", "standards.family", "structure", "numbers.role", "facts.zh",
            "facts.precision", "documents.kind")


def cross_validated(real: Path, gold: Path, seeds: Path, seeds_gold: Path) -> None:
    from pipeline import train
    from pipeline.extract.role_model import model

    data = train.examples(real, gold) + (train.examples(seeds, seeds_gold) if seeds_gold.exists() else [])
    cv = train.cross_validate(data)
    shipped = model()
    threshold = shipped.threshold if shipped else train.THRESHOLDS[-1]
    print(f"== the role model, each document scored by a model trained on the others ({len(data)} numbers, "
          f"{len({e.doc for e in data})} documents; the pipeline's gate: p >= {threshold})")
    rows = [("rules alone", [(e.label, e.rules) for e in data]),
            ("model alone", [(e.label, role) for e, role, _ in cv]),
            (f"model gated at {threshold}", train.gated(cv, threshold))]
    for name, pairs in rows:
        t = train.tally(pairs)
        print(f"  {name:<22} accuracy {t['accuracy']:.3f}   standards: precision {t['standard_precision']:.3f} "
              f"({t['standards_found']}/{t['standards_predicted']}), recall {t['standard_recall']:.3f} "
              f"({t['standards_found']}/{t['standards_wanted']}), F1 {train.f1(t):.3f}")
    for threshold in train.THRESHOLDS:
        print(f"    gate {threshold:<5} F1 {train.f1(train.tally(train.gated(cv, threshold))):.3f}")
    print("  per document (accuracy: rules → model alone):")
    for doc in sorted({e.doc for e in data}):
        mine = [(e, role) for e, role, _ in cv if e.doc == doc]
        rules = sum(e.label == e.rules for e, _ in mine) / len(mine)
        learned = sum(e.label == role for e, role in mine) / len(mine)
        mark = "+" if learned > rules else "-" if learned < rules else " "
        print(f"   {mark} {doc[:48]:<48} {len(mine):>4} numbers  {rules:.3f} → {learned:.3f}")


def split_scores(db: Path, gold: Path) -> None:
    spec = importlib.util.spec_from_file_location("score_gold", ROOT.parent / "shared" / "tools" / "score_gold.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    import yaml

    documents = yaml.safe_load(gold.read_text(encoding="utf-8"))["documents"]
    print("== the gold scorer on the build, texts worked on and texts held out")
    for name, keep in (("worked on", lambda f: f[:2] not in HELD_OUT), ("held out", lambda f: f[:2] in HELD_OUT),
                       ("all", lambda f: True)):
        part = [d for d in documents if keep(d["file"])]
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", delete=False) as fh:
            yaml.safe_dump({"documents": part}, fh, allow_unicode=True)
        counts = scorer.score(str(db), fh.name, out=lambda *_: None)["counts"]
        Path(fh.name).unlink()
        cells = []
        for m in MEASURES:
            if m in counts:
                h, t = map(int, counts[m].split("/"))
                cells.append(f"{m} {h}/{t} ({h / t:.2f})" if t else f"{m} -")
        print(f"  {name:<9} ({len(part)} texts): " + ", ".join(cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "real")
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold" / "real.yaml")
    ap.add_argument("--db", type=Path, default=None, help="a build of --real to score (default: build one)")
    ap.add_argument("--skip-cv", action="store_true", help="only the scorer's split")
    a = ap.parse_args()
    if not a.skip_cv:
        cross_validated(a.real, a.gold, ROOT / "corpus", a.gold.parent / "seeds.yaml")
    db = a.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "real.duckdb"
        subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(a.real), "--db", str(db)],
                       cwd=ROOT, check=True, capture_output=True)
    split_scores(db, a.gold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
