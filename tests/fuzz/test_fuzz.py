"""2,000 mutants of the seeds and the real period texts through the build: none may fail it, and none
may give a standard a value its text cannot support.

The mutants (tests/fuzz/mutants.py) are built in four corpora of 500 with two workers, the way a
user's folder of damaged copies would be. Every file must be loaded or skipped with its name and a
reason; a skip for a fault of the pipeline's own (E109) or rows that fail validation (E204) is a bug,
and the test lists them with the operations that made each mutant.
"""
from __future__ import annotations

import math
import os
import random
import re
from pathlib import Path

import duckdb
import pytest

from pipeline import vocab
from pipeline.build import build
from pipeline.files import printable_name
from tests.conftest import CORPUS, REAL
from tests.fuzz.mutants import BAD_SIDECARS, format_inside, mutants

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
        if k % 97 == 5:  # a name that is not UTF-8, as unzip leaves a Windows zip's (GBK bytes)
            raw = name.replace(".txt", "_湖北省办法.txt").encode("gbk")
            with open(os.path.join(os.fsencode(corpus), raw), "wb") as fh:
                fh.write(data)
            name, applied = printable_name(os.fsdecode(raw)), [*applied, "gbk_name"]
        else:
            (corpus / name).write_bytes(data)
        if k % 41 == 3:  # a sidecar of a wrong shape, depth or size
            sidecar = BAD_SIDECARS[(k // 41) % len(BAD_SIDECARS)]
            (corpus / name.replace(".txt", ".meta.yaml")).write_text(sidecar, "utf-8", errors="surrogatepass")
            applied = [*applied, "bad_sidecar"]
        made[k % CORPORA][name] = applied
    out = []
    for k in range(CORPORA):
        db = root / f"o{k}" / "db.duckdb"
        out.append((db, build(root / f"c{k}", db, workers=2), made[k]))
    return out


def test_the_mutants_cover_every_operation_and_real_texts(fuzzed):
    from tests.fuzz.mutants import OPERATIONS

    applied = {op for _, _, made in fuzzed for ops in made.values() for op in ops}
    assert applied == {label for label, _, _ in OPERATIONS} | {"gbk_name", "bad_sidecar"}
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
            assert issue.message.startswith(name.removesuffix(".txt")), issue.message  # the text, or its sidecar
            assert re.search(r"\[E\d{3}\]$", issue.message), issue.message
            if issue.code in FAULTS:
                faults.append(f"{issue.message} <- {made[name]}")
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select count(*) from documents").fetchone()[0] == len(loaded)
        con.close()
    assert faults == [], "\n".join(faults)


def test_bad_names_and_sidecars_are_skipped_by_name_with_their_own_codes(fuzzed):
    for _, report, made in fuzzed:
        skipped = {i.source_file: i.code for i in report.skipped}
        for name, applied in made.items():
            if "gbk_name" in applied:
                assert skipped.get(name) == "E123", name
            elif "bad_sidecar" in applied and name not in skipped:
                raise AssertionError(f"{name} was loaded despite its bad sidecar")


def test_no_standard_holds_a_value_the_text_cannot_support(fuzzed):
    """Signs, 1e308 and shares over the whole are read as written and flagged, never trusted: no standard
    carries a value beyond any amount of the period, a negative one without signed_number, or a share
    over 100 % without share_over_100."""
    largest = float(vocab.load("qualifiers")["largest_number"]["value"])
    wrong = []
    for db, _, _ in fuzzed:
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute("select standard_id, quote, value_min, value_max, unit, flags from standards").fetchall()
        con.close()
        for sid, quote, lo, hi, unit, flags in rows:
            values = [v for v in (lo, hi) if v is not None]
            if any(not math.isfinite(v) or abs(v) > largest for v in values):
                wrong.append(f"{sid}: {values} beyond any amount «{quote}»")
            if any(v < 0 for v in values) and "signed_number" not in flags:
                wrong.append(f"{sid}: {values} negative without signed_number «{quote}»")
            if unit == "%" and any(v > 100 for v in values) and "share_over_100" not in flags:
                wrong.append(f"{sid}: {values} % without share_over_100 «{quote}»")
    assert wrong == [], "\n".join(wrong[:20])


def test_format_characters_inside_numbers_and_markers_change_nothing_that_is_read(tmp_path):
    """A text and its copy with invisible characters inside its numbers and markers (四\u200b百二十斤,
    第\u200b四條) give the same articles and the same standards."""
    rng = random.Random(7)
    texts = sources()
    for _k, name in enumerate(sorted(texts)[:: max(1, len(texts) // 12)]):
        (tmp_path / "plain").mkdir(exist_ok=True)
        (tmp_path / "marked").mkdir(exist_ok=True)
        (tmp_path / "plain" / name).write_text(texts[name], "utf-8")
        (tmp_path / "marked" / name).write_text(format_inside(rng, texts[name]), "utf-8")
    read = {}
    for which in ("plain", "marked"):
        build(tmp_path / which, tmp_path / f"{which}.duckdb", workers=2)
        con = duckdb.connect(str(tmp_path / f"{which}.duckdb"), read_only=True)
        read[which] = (
            con.execute("select unit_id from units order by unit_id").fetchall(),
            con.execute("select doc_id, concept, value_min, value_max, unit from standards order by all").fetchall())
        con.close()
    assert read["marked"][0] == read["plain"][0]
    assert read["marked"][1] == read["plain"][1]
