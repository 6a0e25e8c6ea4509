"""2,000 mutants of the seeds and the real period texts through the build: none may fail it.

The mutants (tests/fuzz/mutants.py) are built in four corpora of 500 with two workers, the way a
user's folder of damaged copies would be. Every file must be loaded or skipped with its name and a
reason; a skip for a fault of the pipeline's own (E109) or rows that fail validation (E204) is a bug,
and the test lists them with the operations that made each mutant.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from pipeline.build import build
from tests.conftest import CORPUS, REAL
from tests.fuzz.mutants import mutants

MUTANTS = 2000
CORPORA = 4
FAULTS = ("E109", "E204")  # the pipeline's own faults, never the file's


def sources() -> dict[str, str]:
    out = {f.name: f.read_text("utf-8") for f in CORPUS.glob("*.txt")}
    if REAL.is_dir():  # CI has them; a clone without ../shared fuzzes the seeds alone
        out |= {f.name: f.read_text("utf-8") for f in REAL.glob("*.txt")}
    return out


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory) -> list[tuple[Path, object, dict[str, list[str]]]]:
    root = tmp_path_factory.mktemp("fuzz")
    made: list[dict[str, list[str]]] = [{} for _ in range(CORPORA)]
    for k, (name, data, applied) in enumerate(mutants(sources(), MUTANTS, seed=20261123)):
        corpus = root / f"c{k % CORPORA}"
        corpus.mkdir(exist_ok=True)
        (corpus / name).write_bytes(data)
        made[k % CORPORA][name] = applied
    out = []
    for k in range(CORPORA):
        db = root / f"o{k}" / "db.duckdb"
        out.append((db, build(root / f"c{k}", db, workers=2), made[k]))
    return out


def test_the_mutants_cover_every_operation_and_real_texts(fuzzed):
    from tests.fuzz.mutants import OPERATIONS

    applied = {op for _, _, made in fuzzed for ops in made.values() for op in ops}
    assert applied == {label for label, _, _ in OPERATIONS}
    assert sum(len(made) for _, _, made in fuzzed) == MUTANTS
    if REAL.is_dir():
        assert any(re.match(r"m\d{5}_\d\d_", name) for _, _, made in fuzzed for name in made)


def test_no_mutant_fails_the_build_and_every_file_is_loaded_or_named_with_its_reason(fuzzed):
    faults = []
    for db, report, made in fuzzed:
        loaded = {d.source_file for d in report.documents}
        skipped = {i.source_file: i for i in report.skipped}
        assert loaded | set(skipped) == set(made) and not loaded & set(skipped)
        for name, issue in skipped.items():
            assert issue.message.startswith(name) and re.search(r"\[E\d{3}\]$", issue.message), issue.message
            if issue.code in FAULTS:
                faults.append(f"{issue.message} <- {made[name]}")
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select count(*) from documents").fetchone()[0] == len(loaded)
        con.close()
    assert faults == [], "\n".join(faults)
