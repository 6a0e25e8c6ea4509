"""A hostile or careless user: each way the build, `query`, `calc` and `add` were broken, reproduced.

Each test builds the bad input the way a user would make it and asserts what they must see: the file,
the place and the problem named, the rest built, nothing already built lost or half-written.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.build import build
from pipeline.errors import PipelineError
from pipeline.query import run_query
from tests.conftest import CORPUS, ROOT, WIKISOURCE_SEED, copy_corpus

EXAMPLES = ROOT / "corpus" / "examples"
HUBEI = ROOT / "tests/data/period/hubei_rules_1955.txt"
RATION = "003_b69152d1adbf7c19/chp_3__art_9__item_2/ration.retained/1"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


def tables_of(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0]
                for t in ("documents", "standards", "conversion_rates", "facts")}
    finally:
        con.close()


# -- 1. query cannot touch the file system -----------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "copy (select 'x') to '{db}' (header false)",
    "copy standards to '{out}/standards.csv'",
    "select content from read_text('/etc/hostname')",
    "select * from read_csv('{examples}/village_households.csv')",
    "select * from read_parquet('{out}/*.parquet')",
    "export database '{out}/dump'",
    "attach '{out}/other.duckdb' as other",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "select * from glob('/etc/*')",
])
def test_query_cannot_read_or_write_outside_the_database(built_db, tmp_path, sql):
    db = tmp_path / "corpus.duckdb"
    db.write_bytes(built_db.read_bytes())
    before = db.read_bytes()
    statement = sql.format(db=db, out=tmp_path, examples=EXAMPLES)
    run = cli("query", "--db", str(db), statement)
    # asserted by its effect and by our own code, never by DuckDB's wording (which changes between versions)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "[E302]" in run.stderr, run.stderr
    assert db.read_bytes() == before  # the database is whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.duckdb"]  # nothing written beside it
    assert run_query(db, "select count(*) from documents")[1] == [(3,)]


def test_query_shows_duckdbs_whole_message_with_its_hints(built_db):
    with pytest.raises(PipelineError) as exc:
        run_query(built_db, "select standrd_id from standards")
    assert "Candidate bindings" in str(exc.value) and "standard_id" in str(exc.value)


def test_a_notebooks_own_connection_is_not_sealed_by_a_query(built_db, tmp_path):
    mine = duckdb.connect(str(built_db), read_only=True)
    run_query(built_db, "select 1")
    out = tmp_path / "mine.csv"
    mine.execute(f"copy (select 1 as a) to '{out}'")  # the user's connection keeps its own settings
    mine.close()
    assert out.read_text().startswith("a")


# -- 2. one bad file never sinks a build -------------------------------------------------------------

def test_a_fault_on_one_text_skips_that_file_naming_file_stage_and_reason(tmp_path, monkeypatch):
    import pipeline.build.worker as b

    real = b.document_tables

    def faulty(sd):
        if sd.normalized.source.source_file == WIKISOURCE_SEED:
            raise ValueError("range() arg 3 must not be zero")
        return real(sd)

    monkeypatch.setattr(b, "document_tables", faulty)
    report = build(CORPUS, tmp_path / "db.duckdb")
    (issue,) = report.skipped
    assert issue.source_file == WIKISOURCE_SEED and issue.code == "E109"
    assert "(extract)" in issue.message and "ValueError: range() arg 3 must not be zero" in issue.message
    assert "test_reliability.py" not in issue.message  # the pipeline's line is named, not the test's
    assert tables_of(tmp_path / "db.duckdb")["documents"] == 2


def test_a_table_label_with_numbers_in_brackets_builds(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    seed = corpus / WIKISOURCE_SEED
    seed.write_text(seed.read_text("utf-8").replace("折合稻穀", "折合稻穀（抄本91號，第484頁）", 1), "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    assert report.skipped == []
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    # the caption (百市斤) of the broken table is not read as a standard of 100 斤
    assert con.execute("select count(*) from standards where quote like '%百市斤%'").fetchone()[0] == 0
    con.close()


def test_a_text_of_a_million_characters_on_one_line_is_read_in_pieces(tmp_path):
    (tmp_path / "c").mkdir()
    text = "第一條 每人每年口糧規定為四百八十斤。" + "各地應當認真執行本辦法，" * 84_000 + "每頭牛規定留飼料五百斤。"
    assert len(text) > 1_000_000  # beyond what spaCy takes at once
    (tmp_path / "c" / "long.txt").write_text(text, "utf-8")
    report = build(tmp_path / "c", tmp_path / "db.duckdb")
    assert report.skipped == []
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    rows = con.execute("select value_min, char_start from standards order by char_start").fetchall()
    con.close()
    assert [v for v, _ in rows] == [480.0, 500.0] and rows[1][1] > 1_000_000


def test_pieces_cover_a_paragraph_exactly_and_never_cut_a_number():
    from pipeline.extract.document import pieces
    from pipeline.normalize import Paragraph

    text = "共收购1,234,567斤，" * 300 + "二百三十四万五千斤" * 300
    parts = pieces(text, Paragraph(0, len(text), "body", "zh"), size=500)
    assert "".join(text[p.start:p.end] for p in parts) == text
    assert all(p.end - p.start <= 500 for p in parts)
    assert not any(text[p.end - 1].isdigit() and text[p.end].isdigit() for p in parts[:-1])


@pytest.mark.parametrize("sidecar, named", [
    ("title: 12345\n", "title: 12345 is not text"),
    ("page: abc\n", "page: 'abc' is not a page number"),
    ("languages: 5\n", "languages: 5 is not a list of language codes"),
    ("date: 1955-02-30\n", "date"),
    ("kind: poem\n", "kind 'poem'"),
    ("page: 99999999999999999999999\n", "page: 99999999999999999999999 is not a page number"),  # no OverflowError
    ('title: "\\uD800"\n', "holds an escape"),  # the file's fault, never E109
    ("date: 0001-01-01\n", "date: 0001-01-01 is not a date a text of the corpus can have"),
    ("title: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 64 levels deep"),  # no RecursionError
    ("title: x\ntitle: y\n", "the key 'title' is written twice"),
    ("".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9 if p else ['x'] * 9)}]\n"
             for p, k in zip(["", "a", "b", "c", "d", "e"], "abcdef", strict=True)) + "title: *f\n",
     "more than 200,000 values once its aliases are expanded"),  # a billion laughs: refused, not expanded
    ("title: " + "x" * 100_000 + "\npage: " + "9" * 4000 + "\n", "is not a page number"),
])
def test_a_sidecar_of_the_wrong_type_skips_its_file_naming_field_and_value(tmp_path, sidecar, named):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "002_f63fa80ed67a2d57.meta.yaml").write_text(sidecar, "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    (issue,) = report.skipped
    assert issue.source_file == "002_f63fa80ed67a2d57.txt" and issue.code == "E106"
    assert issue.message.startswith("002_f63fa80ed67a2d57.meta.yaml: ") and named in issue.message, issue.message
    assert len(issue.message) < 400  # a value of 100,000 characters is cut in the message
    assert tables_of(tmp_path / "db.duckdb")["documents"] == 2


def test_two_files_with_one_doc_id_keep_the_loaded_one_and_name_both(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    other = corpus / "003 b69152d1adbf7c19.md"  # the same id, 003_b69152d1adbf7c19, another text
    other.write_text((corpus / WIKISOURCE_SEED).read_text("utf-8").replace("江西", "湖南"), "utf-8")
    report = build(corpus, db)
    (issue,) = report.skipped
    assert issue.source_file == other.name and issue.code == "E108" and WIKISOURCE_SEED in issue.message
    assert tables_of(db) == {"documents": 3, "standards": 22, "conversion_rates": 13, "facts": 30}


@pytest.mark.parametrize("entry, named", [
    ("{document: 003_b69152d1adbf7c19.txt, table: conversion_rates, match: {position: 1}, set: 5, "
     "reason: r, author: a}", "set: table 'conversion_rates' takes readings"),
    ("{document: 003_b69152d1adbf7c19.txt, table: conversion_rates, match: 'abc', set: {crop_reading: 小麥}, "
     "reason: r, author: a}", "match: 'abc' is not a mapping"),
    ("{document: 003_b69152d1adbf7c19.txt, table: standards, match: {concept: ration.retained}, "
     "set: {reading_min: abc}, reason: r, author: a}", "reading_min: 'abc' is not an amount"),
    ("{document: 003_b69152d1adbf7c19.txt, table: standards, match: {concept: ration.retained}, "
     "set: {reading_min: 9999, reading_max: 1}, reason: r, author: a}", "reading_min 9999 is above reading_max 1"),
    ("{document: 003_b69152d1adbf7c19.txt, table: standards, match: {no_such_column: 1}, "
     "set: {reading_min: 1}, reason: r, author: a}", "has no column 'no_such_column'"),
    ("{document: 003_b69152d1adbf7c19.txt, table: [standards], match: {concept: ration.retained}, "
     "set: {reading_min: 1}, reason: r, author: a}", "table: ['standards'] is not"),
    ("{document: 003_b69152d1adbf7c19.txt, table: {a: 1}, match: {concept: ration.retained}, "
     "set: {reading_min: 1}, reason: r, author: a}", "table: {'a': 1} is not"),
])
def test_an_erratum_of_the_wrong_type_is_reported_and_applies_nothing(tmp_path, entry, named):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "errata" / "bad.yaml").write_text(f"errata:\n  - {entry}\n", "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    problems = [i for i in report.issues if i.source_file == "bad.yaml"]
    assert len(problems) == 1 and problems[0].code == "E206" and "bad.yaml entry 1" in problems[0].message
    assert named in problems[0].message, problems[0].message
    assert len(report.documents) == 3


@pytest.mark.parametrize("entry, named", [
    (f"{{id: {RATION}, decision: correct, set: {{min: 9999, max: 1}}, reason: r, reviewer: a}}",
     "min 9999 is above max 1"),
    (f"{{id: {RATION}, decision: correct, set: {{min: 9999}}, reason: r, reviewer: a}}",
     "min 9999 is above max 520"),
    (f"{{id: {RATION}, decision: correct, set: 5, reason: r, reviewer: a}}", "sets one or more of"),
    (f"{{id: {RATION}, decision: correct, set: {{min: abc}}, reason: r, reviewer: a}}", "min: 'abc' is not an amount"),
    (f"{{id: {RATION}, decision: correct, set: {{min: .inf}}, reason: r, reviewer: a}}", "min: inf is not an amount"),
    (f"{{id: {RATION}, decision: confirm, set: {{min: 1}}, reason: r, reviewer: a}}", "a confirm sets nothing"),
    (f"{{id: {RATION}, decision: confirm, reason: 5, reviewer: a}}", "reason: 5 is not text"),
    (f"{{id: {RATION}, decision: [confirm], reason: r, reviewer: a}}", "decision: ['confirm'] is not one of"),
    (f"{{id: {RATION}, decision: correct, set: {{max: 1.0e+26}}, reason: r, reviewer: a}}",
     "max: 1e+26 is not an amount"),
])
def test_a_review_of_the_wrong_type_is_reported_and_the_row_keeps_its_value(tmp_path, entry, named):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "reviews").mkdir()
    (corpus / "reviews" / "bad.yaml").write_text(f"reviews:\n  - {entry}\n", "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    problems = [i for i in report.issues if i.stage == "reviews"]
    assert len(problems) == 1 and "bad.yaml entry 1" in problems[0].message
    assert named in problems[0].message, problems[0].message
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select review_status, reviewed_min from standards where standard_id = ?",
                       [RATION]).fetchone() == ("unreviewed", None)
    con.close()


# -- 3. duplicates and the cache ---------------------------------------------------------------------

def test_a_byte_identical_copy_is_skipped_and_not_loaded(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    (corpus / "aaa_copy.txt").write_bytes((corpus / WIKISOURCE_SEED).read_bytes())  # sorts first
    report = build(corpus, db)
    assert [(i.source_file, i.code) for i in report.skipped] == [("aaa_copy.txt", "E104")]
    assert WIKISOURCE_SEED in report.skipped[0].message
    assert tables_of(db) == {"documents": 3, "standards": 22, "conversion_rates": 13, "facts": 30}


def test_add_never_changes_which_copy_is_kept_and_the_decisions_stay_applied(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    (corpus / "reviews").mkdir()
    (corpus / "reviews" / "r.yaml").write_text(
        f"reviews:\n  - {{id: {RATION}, decision: confirm, reason: checked against the print, reviewer: T. Test}}\n",
        "utf-8")
    build(corpus, db)
    (corpus / "000_aaa_copy.txt").write_bytes((corpus / WIKISOURCE_SEED).read_bytes())  # sorts first
    applied = "select count(*) from conversion_rates where crop_reading is not null"
    reviewed = "select count(*) from standards where review_status = 'confirmed'"

    def kept() -> tuple:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return (con.execute("select list(source_file order by source_file) from documents").fetchone()[0],
                    con.execute(applied).fetchone()[0], con.execute(reviewed).fetchone()[0])
        finally:
            con.close()

    for step in ("build", "add", "build after losing the database"):
        if step == "add":
            api_add = cli("add", str(HUBEI), "--corpus", str(corpus), "--db", str(db))
            assert api_add.returncode == 0, api_add.stderr
        elif step.startswith("build after"):
            db.unlink()
            build(corpus, db)
        else:
            report = build(corpus, db)
            assert [(i.source_file, i.code) for i in report.skipped] == [("000_aaa_copy.txt", "E104")]
            assert f"kept {WIKISOURCE_SEED}" in report.skipped[0].message
        files, errata, reviews = kept()
        assert WIKISOURCE_SEED in files and "000_aaa_copy.txt" not in files, step
        assert (errata, reviews) == (3, 1), step


def test_deleting_a_copy_keeps_the_names_and_the_errata(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    (corpus / "aaa_copy.txt").write_bytes((corpus / WIKISOURCE_SEED).read_bytes())
    build(corpus, db)  # the copy is processed first and fills the cache
    (corpus / "aaa_copy.txt").unlink()
    report = build(corpus, db)
    assert report.cached == 3 and report.issues == []  # from the cache, and every erratum applies
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select source_file from documents where doc_id = '003_b69152d1adbf7c19'").fetchone() == (
        WIKISOURCE_SEED,)
    assert con.execute("select count(*) from conversion_rates where crop_reading is not null").fetchone()[0] == 3
    con.close()


def test_a_renamed_file_shows_its_new_name_and_id_without_being_processed_again(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    (corpus / "000_7c73fe4ff602b772.txt").rename(corpus / "peoples_daily_1955.txt")
    report = build(corpus, db)
    assert report.processed == 0 and report.cached == 3
    con = duckdb.connect(str(db), read_only=True)
    assert ("peoples_daily_1955", "peoples_daily_1955.txt") in con.execute(
        "select doc_id, source_file from documents").fetchall()
    ids = [r[0] for r in con.execute("select fact_id from facts").fetchall()]
    assert len(ids) == 30 and all(i.startswith("peoples_daily_1955/") for i in ids)
    assert con.execute("select count(*) from documents where doc_id like '000_%'").fetchone()[0] == 0
    con.close()


def test_a_build_started_from_another_folder_uses_the_same_cache(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    assert cli("build", "--corpus", "c", "--db", "out/db.duckdb", cwd=tmp_path).returncode == 0
    (tmp_path / "elsewhere").mkdir()
    run = cli("build", "--corpus", "../c", "--db", "../out/db.duckdb", "--force", cwd=tmp_path / "elsewhere")
    assert run.returncode == 0, run.stderr
    assert "3 from the cache" in " ".join(run.stdout.split())
    assert corpus.is_dir()


# -- 4. no silent wrong answers in calc --------------------------------------------------------------

def _calc(db: Path, tmp_path: Path, households: pd.DataFrame | None = None, county: str | None = None,
          *extra: str) -> subprocess.CompletedProcess:
    h = EXAMPLES / "village_households.csv"
    if households is not None:
        h = tmp_path / "households.csv"
        households.to_csv(h, index=False)
    rules = EXAMPLES / "county_rules.yaml"
    if county is not None:
        rules = tmp_path / "county.yaml"
        rules.write_text(county, "utf-8")
    return cli("calc", "--db", str(db), "--households", str(h), "--plots", str(EXAMPLES / "village_plots.csv"),
               "--county-rules", str(rules), "--out", str(tmp_path / "q.csv"), *extra)


@pytest.mark.parametrize("column, value, named", [
    ("paddy_sown_mu", "inf", "row 2: column paddy_sown_mu must be a finite number (got inf)"),
    ("persons", "5.7", "row 2: column persons must be a whole number (got 5.7)"),
    ("persons", "", "row 2: column persons must be a whole number (it is empty)"),
    ("oxen", "-1", "oxen"),
    ("paddy_sown_mu", "1e308", "row 2: column paddy_sown_mu must be at most 1e+09 (got 1e+308)"),
])
def test_calc_rejects_non_finite_fractional_and_negative_inputs(built_db, tmp_path, column, value, named):
    h = pd.read_csv(EXAMPLES / "village_households.csv", dtype=str)
    h.loc[0, column] = value
    run = _calc(built_db, tmp_path, households=h)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert named in " ".join(run.stderr.split()) and "households.csv" in run.stderr
    assert not (tmp_path / "q.csv").exists()


@pytest.mark.parametrize("value", [".nan", "-470", ".inf", "'470'"])
def test_calc_rejects_county_values_that_are_not_amounts(built_db, tmp_path, value):
    run = _calc(built_db, tmp_path, county=f"default:\n  values: {{ration.non_grain: {value}}}\n")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "ration.non_grain" in run.stderr and "county.yaml" in run.stderr


def test_calc_rejects_a_share_over_100_percent_in_the_county_rules(built_db, tmp_path):
    run = _calc(built_db, tmp_path, None, "default:\n  values: {ration.idle_landlord_cut_pct: 200}\n")
    assert run.returncode == 1 and "[E410]" in run.stderr and "is a share over 100 %" in " ".join(run.stderr.split())


def test_calc_rejects_a_true_false_column_and_a_plot_written_twice(built_db, tmp_path):
    h = pd.read_csv(EXAMPLES / "village_households.csv")
    h["persons"] = h["persons"] > 3  # a spreadsheet's boolean column, in Parquet
    h.to_parquet(tmp_path / "h.parquet")
    run = cli("calc", "--db", str(built_db), "--households", str(tmp_path / "h.parquet"),
              "--plots", str(EXAMPLES / "village_plots.csv"), "--out", str(tmp_path / "q.csv"))
    assert run.returncode == 1 and "column persons holds true/false" in " ".join(run.stderr.split())
    plots = (EXAMPLES / "village_plots.csv").read_text("utf-8")
    (tmp_path / "p.csv").write_text(plots + plots.splitlines()[1] + "\n", "utf-8")
    run = cli("calc", "--db", str(built_db), "--households", str(EXAMPLES / "village_households.csv"),
              "--plots", str(tmp_path / "p.csv"), "--out", str(tmp_path / "q.csv"))
    said = " ".join(run.stderr.split())
    rows = len(plots.splitlines())
    assert run.returncode == 1 and f"row {rows + 1} repeats row 2" in said and "[E411]" in said, said
    assert not (tmp_path / "q.csv").exists()


def test_calc_names_households_whose_county_the_rules_do_not_list(built_db, tmp_path):
    h = pd.read_csv(EXAMPLES / "village_households.csv", dtype=str)
    h.loc[2, "county"] = "火星縣"
    run = _calc(built_db, tmp_path, h)
    assert run.returncode == 0 and "火星縣" in run.stderr and "`default:` rules" in " ".join(run.stderr.split())


def test_calc_refuses_to_write_over_its_input(built_db, tmp_path):
    h = tmp_path / "h.csv"
    h.write_bytes((EXAMPLES / "village_households.csv").read_bytes())
    before = h.read_bytes()
    run = cli("calc", "--db", str(built_db), "--households", str(h), "--plots", str(EXAMPLES / "village_plots.csv"),
              "--out", str(h))
    assert run.returncode == 1 and "[E415]" in run.stderr and "one of the inputs" in " ".join(run.stderr.split())
    assert h.read_bytes() == before


@pytest.mark.parametrize("encoding, sep", [("gbk", ","), ("utf-16", ","), ("utf-8", ";"), ("utf-8-sig", "\t")])
def test_calc_reads_households_in_any_encoding_and_separator_build_reads(built_db, tmp_path, encoding, sep):
    expected = _calc(built_db, tmp_path)
    want = (tmp_path / "q.csv").read_bytes()
    text = (EXAMPLES / "village_households.csv").read_text("utf-8").replace(",", sep)
    (tmp_path / "h.csv").write_bytes(text.encode(encoding))
    run = cli("calc", "--db", str(built_db), "--households", str(tmp_path / "h.csv"),
              "--plots", str(EXAMPLES / "village_plots.csv"), "--county-rules", str(EXAMPLES / "county_rules.yaml"),
              "--out", str(tmp_path / "q.csv"))
    assert expected.returncode == 0 and run.returncode == 0, run.stderr
    assert (tmp_path / "q.csv").read_bytes() == want


def test_a_rules_document_without_what_the_command_needs_is_an_error(built_db, tmp_path):
    run = cli("share-fund", "--db", str(built_db), "--joiners", str(EXAMPLES / "joiners.csv"),
              "--out", str(tmp_path / "s.csv"), "--rules", "003_b69152d1adbf7c19")
    assert run.returncode == 1 and "E414" in run.stderr and "002_f63fa80ed67a2d57" in run.stderr
    assert not (tmp_path / "s.csv").exists()
    run = _calc(built_db, tmp_path, None, None, "--rules", "002_f63fa80ed67a2d57")
    assert run.returncode == 1 and "E414" in run.stderr


# -- 5. conflicting decisions are withdrawn, both named ----------------------------------------------

def test_two_errata_setting_one_reading_differently_are_both_withdrawn(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "errata" / "zz_other.yaml").write_text(
        "errata:\n  - {document: 003_b69152d1adbf7c19.txt, table: conversion_rates, match: {position: 1}, "
        "set: {crop_reading: 大豆}, reason: another reading, author: b}\n", "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    clashes = [i for i in report.issues if i.code == "E211"]
    assert len(clashes) == 2
    assert all("003_jiangxi_conversion_table.yaml entry 1" in i.message and "zz_other.yaml entry 1" in i.message
               for i in clashes)
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select crop_reading from conversion_rates where position = 1").fetchone() == (None,)
    assert con.execute("select count(*) from conversion_rates where crop_reading is not null").fetchone()[0] == 2
    con.close()


def test_two_reviews_of_one_row_that_differ_are_both_withdrawn_and_agreeing_ones_apply(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "reviews").mkdir()
    (corpus / "reviews" / "a.yaml").write_text(
        f"reviews:\n  - {{id: {RATION}, decision: confirm, reason: checked, reviewer: a}}\n", "utf-8")
    (corpus / "reviews" / "b.yaml").write_text(
        f"reviews:\n  - {{id: {RATION}, decision: correct, set: {{min: 470}}, reason: other copy, reviewer: b}}\n",
        "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    clashes = [i for i in report.issues if i.code == "E212"]
    assert len(clashes) == 2 and all("a.yaml entry 1" in i.message and "b.yaml entry 1" in i.message
                                     for i in clashes)
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select review_status, reviewed_min from standards where standard_id = ?",
                       [RATION]).fetchone() == ("unreviewed", None)
    con.close()
    (corpus / "reviews" / "b.yaml").write_text(
        f"reviews:\n  - {{id: {RATION}, decision: confirm, reason: also checked, reviewer: b}}\n", "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    assert not [i for i in report.issues if i.code == "E212"]


# -- 6. a killed build leaks neither processes nor files ---------------------------------------------

def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))  # a zombie has ended


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc and uses pgrep")
def test_a_killed_parallel_build_leaves_no_workers_and_the_next_build_no_temporary_files(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = HUBEI.read_text("utf-8")
    for k in range(200):
        (corpus / f"copy_{k:03d}.txt").write_text(text.replace("湖北", f"第{k}號"), "utf-8")
    db = tmp_path / "out" / "db.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db),
                             "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.1)
    workers = _children(proc.pid)
    assert len(workers) >= 2, "the build never started its workers"
    time.sleep(1.0)  # mid-work
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "workers outlived the killed build"
    # what a build killed during its load leaves: the temporary database and its WAL, owned by a dead process
    stale = db.with_name(f".{db.name}.tmp-{_dead_pid()}")
    stale.write_bytes(b"half a database")
    stale.with_name(stale.name + ".wal").write_bytes(b"log")
    run = cli("build", "--corpus", str(corpus), "--db", str(db), "--workers", "2")
    assert run.returncode == 0, run.stderr
    leftovers = [p for p in db.parent.rglob("*") if ".tmp-" in p.name]
    assert leftovers == []


# -- 7. add and calc complete or leave every file as it was ------------------------------------------

def test_a_failed_add_leaves_corpus_and_database_as_they_were(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    before_files = sorted(p.name for p in corpus.iterdir())
    before_db = db.read_bytes()
    latin = tmp_path / "passwd"
    latin.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    copy = tmp_path / "again.txt"
    copy.write_bytes((corpus / WIKISOURCE_SEED).read_bytes())
    for args, named in ((["add", str(latin)], "no Chinese text"),
                        (["add", str(HUBEI), "--date", "1955-13-45"], "'1955-13-45' is not a date"),
                        (["add", str(HUBEI), "--title", " "], "title is empty"),
                        (["add", str(copy)], f"the same text as {WIKISOURCE_SEED}")):
        run = cli(*args, "--corpus", str(corpus), "--db", str(db))
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert named in " ".join(run.stderr.split())
        assert sorted(p.name for p in corpus.iterdir()) == before_files
        assert db.read_bytes() == before_db
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".add" in p.name]
    run = cli("add", str(HUBEI), "--corpus", str(corpus), "--db", str(db), "--date", "1955-10-08")
    assert run.returncode == 0 and (corpus / "hubei_rules_1955.meta.yaml").read_text("utf-8") == "date: 1955-10-08\n"


@pytest.mark.parametrize("name", ["README_x.txt", ".hidden.txt", "x.csv", "x.meta.yaml"])
def test_add_of_a_file_the_build_would_pass_over_is_refused_and_leaves_nothing(tmp_path, name):
    corpus = copy_corpus(tmp_path / "c")
    before = sorted(p.name for p in corpus.iterdir())
    (tmp_path / name).write_bytes(HUBEI.read_bytes())
    run = cli("add", str(tmp_path / name), "--corpus", str(corpus), "--db", str(tmp_path / "db.duckdb"))
    assert run.returncode == 1 and "Traceback" not in run.stderr and "[E110]" in run.stderr, run.stderr
    assert "does not read" in " ".join(run.stderr.split())
    assert sorted(p.name for p in corpus.iterdir()) == before


@pytest.mark.skipif(sys.platform != "linux", reason="kills a child with SIGKILL")
def test_an_add_killed_midway_is_undone_by_the_next_build(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    before_files, before_db = sorted(p.name for p in corpus.iterdir()), db.read_bytes()
    big = tmp_path / "big_rules.txt"  # long enough that the add is still building when it is killed
    big.write_text(HUBEI.read_text("utf-8") * 150, "utf-8")
    child = subprocess.Popen([sys.executable, "-m", "pipeline", "add", str(big), "--corpus", str(corpus),
                              "--db", str(db), "--date", "1955-10-08"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (corpus / big.name).exists() and time.time() < deadline:
        time.sleep(0.01)
    child.kill()
    child.wait()
    assert (corpus / big.name).exists()  # killed after the copy, during the build
    report = build(corpus, db)
    undone = [i for i in report.issues if i.code == "E125"]
    assert len(undone) == 1 and "its copy in the corpus was removed" in undone[0].message
    assert sorted(p.name for p in corpus.iterdir()) == before_files
    assert report.up_to_date and db.read_bytes() == before_db
    assert not [p.name for p in tmp_path.iterdir() if ".add" in p.name or ".tmp-" in p.name]


def test_calc_writes_both_outputs_or_neither(built_db, tmp_path):
    (tmp_path / "q.csv").write_text("earlier results\n", "utf-8")
    run = _calc(built_db, tmp_path, None, None, "--citations", str(tmp_path / "cit.txt"))
    assert run.returncode == 1 and "cit.txt" in run.stderr and ".csv or .parquet" in run.stderr
    assert (tmp_path / "q.csv").read_text("utf-8") == "earlier results\n"
    run = _calc(built_db, tmp_path, None, None, "--citations", str(tmp_path / "cit.parquet"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "cit.parquet").exists() and "household_id" in (tmp_path / "q.csv").read_text("utf-8")
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


# -- 8. smaller ones ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf \r\n", b"\xff\xfe"])
def test_a_file_holding_only_a_byte_order_mark_is_empty(tmp_path, data):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "bom.txt").write_bytes(data)
    report = build(corpus, tmp_path / "db.duckdb")
    (issue,) = report.skipped
    assert issue.code == "E101" and "bom.txt" in issue.message and "empty" in issue.message


def test_a_utf8_copy_with_a_damaged_byte_is_read_and_warned_about(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    data = (corpus / "002_f63fa80ed67a2d57.txt").read_bytes()
    (corpus / "002_f63fa80ed67a2d57.txt").write_bytes(data[:3000] + b"\xff" + data[3001:])
    report = build(corpus, tmp_path / "db.duckdb")
    assert report.skipped == []
    (warning,) = [i for i in report.issues if i.code == "E112"]
    assert warning.source_file == "002_f63fa80ed67a2d57.txt" and "U+FFFD" in warning.message


def test_the_lock_message_speaks_of_another_build_not_a_stale_lock(tmp_path):
    from pipeline.load.locks import build_lock

    db = tmp_path / "db.duckdb"
    with build_lock(db), pytest.raises(PipelineError) as exc:
        build(CORPUS, db)
    assert exc.value.code == "E203" and "stale" not in str(exc.value) and "another build" in str(exc.value)


def test_export_to_a_folder_with_a_quote_in_its_name(built_db, tmp_path):
    folder = tmp_path / "out" / "it's here"
    run = cli("export", "--db", str(built_db), "--parquet", str(folder))
    assert run.returncode == 0, run.stderr
    assert duckdb.sql("select count(*) from read_parquet(?)", params=[str(folder / "standards.parquet")]
                      ).fetchall() == [(22,)]


def test_escape_codes_in_file_names_never_reach_the_terminal(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "evil\x1b[2J\x1b]0;owned\x07.txt").write_bytes(b"")
    (corpus / "[red]markup[bold].txt").write_bytes(b"")
    run = cli("build", "--corpus", str(corpus), "--db", str(tmp_path / "db.duckdb"))
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    assert "evil\\x1b[2J\\x1b]0;owned\\x07.txt" in run.stdout.replace("\n", "")
    assert "[red]markup[bold].txt" in run.stdout.replace("\n", "")


EXISTING_FILE = "README.md"


@pytest.mark.parametrize("args, named", [
    (["build", "--workers", "-3"], "--workers"),
    (["build", "--workers", "0"], "--workers"),
    (["build", "--corpus", "no/such/folder"], "no/such/folder"),
    (["build", "--corpus", EXISTING_FILE], "README.md"),
    (["query", "--db", "{tmp}/none.duckdb", "select 1"], "none.duckdb"),
    (["query", "--db", "{csv}", "select 1"], "not a DuckDB database"),
    (["query", "--db", "{db}", "select * from nothing_here"], "nothing_here"),
    (["query", "--db", "{db}", "delete from units"], "read-only"),
    (["export", "--db", "{db}", "--parquet", EXISTING_FILE], "is a file, not a folder"),
    (["export", "--db", "{csv}", "--parquet", "{tmp}/p"], "not a DuckDB database"),
    (["calc", "--db", "{csv}", "--households", "{csv}", "--plots", "{plots}", "--out", "{tmp}/q.csv"],
     "not a DuckDB database"),
    (["calc", "--db", "{db}", "--households", "{plots}", "--plots", "{plots}", "--out", "{tmp}/q.csv"],
     "household"),
    (["calc", "--db", "{db}", "--households", "{csv}", "--plots", "{plots}", "--out", "{tmp}/q.txt"],
     "q.txt"),
    (["calc", "--db", "{db}", "--households", "{tmp}/none.csv", "--plots", "{plots}", "--out", "{tmp}/q.csv"],
     "none.csv"),
    (["calc", "--db", "{db}", "--households", "{csv}", "--plots", "{plots}", "--out", "{tmp}/q.csv",
      "--county-rules", "{csv}"], "county rules"),
    (["calc", "--db", "{db}", "--households", "{csv}", "--plots", "{plots}", "--out", "{tmp}/q.csv",
      "--rules", "no such document"], "no such document"),
    (["explain", "--db", "{db}", "--households", "{csv}", "--plots", "{plots}", "--household", "H99",
      "--county-rules", "{rules}"], "H99"),
    (["share-fund", "--db", "{db}", "--joiners", "{csv}", "--out", "{tmp}/s.csv"], "joiners"),
    (["report", "--db", "{tmp}/none.duckdb"], "none.duckdb"),
    (["diff", "{db}", "{csv}"], "not a DuckDB database"),
    (["add", "{tmp}/none.txt", "--corpus", "{tmp}/c"], "none.txt"),
    (["add", "{csv}", "--corpus", "{tmp}/c", "--date", "tomorrow"], "'tomorrow' is not a date"),
    (["nonsense"], "No such command"),
])
def test_every_command_with_bad_arguments_fails_cleanly_naming_the_problem(built_db, tmp_path, args, named):
    values = {"tmp": tmp_path, "db": built_db, "csv": EXAMPLES / "village_households.csv",
              "plots": EXAMPLES / "village_plots.csv", "rules": EXAMPLES / "county_rules.yaml"}
    run = cli(*[a.format(**values) for a in args])
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    assert named in " ".join((run.stderr + run.stdout).split()), run.stderr


# -- 3. signs, impossible amounts and shares over the whole: read as written, flagged, never trusted --------

def test_signs_impossible_amounts_and_shares_over_100_are_flagged_and_never_silently_trusted(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rules.txt").write_text(
        "某县粮食统购统销暂行办法\n\n第一条 农民口粮标准，每人每年-420斤至-460斤。\n第二条 种子每亩负八斤。\n"
        "第三条 饲料每头每年1e308斤。\n第四条 统购比例为百分之九千九百九十九。\n第五条 全县销售粮食四亿亿亿斤。\n"
        "第六条 余粮户的统购比例为百分之八十。\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    build(corpus, db, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    standards = con.execute("select quote, value_min, value_max, flags from standards order by char_start").fetchall()
    numbers = {q: (lo, role, flags) for q, lo, role, flags in
               con.execute("select quote, value_min, role, flags from numbers").fetchall()}
    con.close()
    by_quote = {q: (lo, hi, flags) for q, lo, hi, flags in standards}
    signed = [r for q, r in by_quote.items() if "420" in q or "负八" in q]
    assert len(signed) == 2 and all("signed_number" in flags and lo < 0 for lo, _, flags in signed)
    share = next(r for q, r in by_quote.items() if "九千九百九十九" in q)
    assert "share_over_100" in share[2]
    assert next(r for q, r in by_quote.items() if "百分之八十" in q)[2] == []  # a plausible share is not flagged
    # the impossible amounts have their rows in numbers, flagged and left out, and make no standard
    for quote in ("1e308斤", "四亿亿亿斤"):
        assert numbers[quote][1] == "left_out" and "implausible_value" in numbers[quote][2], numbers
    assert not any("1e308" in q or "亿亿" in q for q in by_quote)


@pytest.mark.parametrize("folder, content, named", [
    ("errata", "errata: " + "[" * 3000 + "]" * 3000, "nested more than 64 levels deep"),
    ("reviews", "reviews: " + "[" * 3000 + "]" * 3000, "nested more than 64 levels deep"),
    ("reviews", "reviews:\n  - {id: a}\nreviews:\n  - {id: b}\n", "the key 'reviews' is written twice"),
    ("errata", "errata: &a [x, x]\nb: [" + ", ".join(["*a"] * 101) + "]", "more than 100 aliases"),
    ("reviews", b"\x89PNG\r\n\x1a\n\x00\x00", "is not UTF-8"),
])
def test_a_malformed_errata_or_review_file_is_a_warning_and_the_rest_builds(tmp_path, folder, content, named):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / folder).mkdir(exist_ok=True)
    path = corpus / folder / "bad.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    report = build(corpus, tmp_path / "db.duckdb")
    problems = [i for i in report.issues if i.source_file == "bad.yaml"]
    assert len(problems) == 1 and problems[0].code in ("E206", "E208") and named in problems[0].message, report.issues
    assert tables_of(tmp_path / "db.duckdb")["documents"] == 3


@pytest.mark.parametrize("content, named", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff", "is not UTF-8"),
    (("default: " + "{a: " * 500 + "1" + "}" * 500).encode(), "nested more than 64 levels deep"),
])
def test_calc_refuses_a_binary_or_deeply_nested_county_rules_file(built_db, tmp_path, content, named):
    rules = tmp_path / "county_rules.yaml"
    rules.write_bytes(content)
    run = cli("calc", "--db", str(built_db), "--households", str(EXAMPLES / "village_households.csv"),
              "--plots", str(EXAMPLES / "village_plots.csv"), "--county-rules", str(rules),
              "--out", str(tmp_path / "out.csv"))
    assert run.returncode == 1 and "Traceback" not in run.stderr and "[E410]" in run.stderr
    assert named in " ".join(run.stderr.split()), run.stderr


def test_names_that_are_not_utf8_and_entries_that_are_no_files_are_skipped_by_name(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    gbk = os.path.join(os.fsencode(corpus), "湖北省办法.txt".encode("gbk"))  # as unzip leaves a Windows zip's name
    with open(gbk, "wb") as f:
        f.write("第一条 口粮每人每年四百斤。".encode())
    (corpus / "folder.txt").mkdir()
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus / "loop.txt").symlink_to("loop.txt")
    run = cli("build", "--corpus", str(corpus), "--db", str(tmp_path / "db.duckdb"))
    said = " ".join(run.stdout.split())
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "\\xba\\xfe\\xb1\\xb1\\xca\\xa1\\xb0\\xec\\xb7\\xa8.txt" in said and "[E123]" in said
    assert "«湖北省办法.txt»" in said  # what the name reads as in GB18030
    for name, what in [("folder.txt", "a folder"), ("pipe.txt", "a named pipe"),
                       ("broken.txt", "a broken symbolic link"), ("loop.txt", "a symbolic link that loops")]:
        assert f"{name}: is {what}" in said, said
    assert "3 documents loaded, 5 files skipped" in said


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_the_summary(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "x\n3 documents loaded, 0 files skipped.txt").write_bytes(b"")
    run = cli("build", "--corpus", str(corpus), "--db", str(tmp_path / "db.duckdb"))
    lines = run.stdout.splitlines()
    assert not any(line.startswith("3 documents loaded, 0 files") for line in lines), run.stdout
    assert "x\\n3 documents loaded, 0 files skipped.txt" in "".join(lines)


# -- 7. the file system says no: messages, checked before the work, and nothing left behind --------------

def test_a_database_folder_or_cache_that_cannot_be_written_is_refused_before_any_work(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (tmp_path / "a_file").write_text("x")
    run = cli("build", "--corpus", str(corpus), "--db", str(tmp_path / "a_file" / "corpus.duckdb"))
    assert run.returncode == 1 and "Traceback" not in run.stderr and "[E217]" in run.stderr, run.stderr
    assert "database folder cannot be written" in " ".join(run.stderr.split())
    db_dir = tmp_path / "out"
    db_dir.mkdir()
    (db_dir / ".cache").write_text("a file where the cache goes")
    run = cli("build", "--corpus", str(corpus), "--db", str(db_dir / "corpus.duckdb"))
    assert run.returncode == 1 and "[E217]" in run.stderr and "cache folder" in " ".join(run.stderr.split())
    assert sorted(p.name for p in db_dir.iterdir()) == [".cache"]


def test_a_read_only_database_folder_is_refused_before_any_work(tmp_path, monkeypatch):
    import tempfile

    corpus = copy_corpus(tmp_path / "c")
    read_only = tmp_path / "ro"
    read_only.mkdir()
    real = tempfile.NamedTemporaryFile

    def refused(*args, **kw):  # what a read-only folder answers (the tests may run as root, whom chmod binds not)
        if Path(kw.get("dir", "")) == read_only:
            raise PermissionError(13, "Permission denied")
        return real(*args, **kw)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refused)
    with pytest.raises(PipelineError) as exc:
        build(corpus, read_only / "corpus.duckdb")
    assert exc.value.code == "E217" and "Permission denied" in str(exc.value) and str(read_only) in str(exc.value)
    assert list(read_only.iterdir()) == []


def test_a_full_disk_during_the_load_keeps_the_old_database_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    import errno

    import pipeline.load.database as database

    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "corpus.duckdb"
    build(corpus, db)
    before = db.read_bytes()

    def disk_full(con):
        for tmp in tmp_path.glob(".corpus.duckdb.tmp-*[0-9]"):  # as DuckDB leaves its log when the disk is full
            tmp.with_name(tmp.name + ".wal").write_bytes(b"half a log")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(database, "create_views", disk_full)
    with pytest.raises(PipelineError) as exc:
        build(corpus, db, force=True)
    assert exc.value.code == "E218" and "No space left on device" in str(exc.value)
    assert db.read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_a_report_into_a_folder_is_refused_and_leaves_nothing(built_db, tmp_path):
    run = cli("report", "--db", str(built_db), "--out", str(tmp_path))
    assert run.returncode == 1 and "[E306]" in run.stderr and "Traceback" not in run.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", [
    ["report", "--out", "{tmp}/r.html"], ["export", "--parquet", "{tmp}/pq"], ["diff", "{db}", "{db}"],
    ["explain", "--households", "{households}", "--plots", "{plots}", "--household", "H01"],
])
def test_commands_refuse_a_duckdb_file_this_pipeline_did_not_build(tmp_path, command):
    foreign = tmp_path / "other.duckdb"
    duckdb.connect(str(foreign)).execute("create table t (a int)").close()
    values = {"tmp": tmp_path, "db": foreign, "households": EXAMPLES / "village_households.csv",
              "plots": EXAMPLES / "village_plots.csv"}
    args = [a.format(**values) for a in command]
    if command[0] != "diff":
        args += ["--db", str(foreign)]
    run = cli(*args)
    said = " ".join(run.stderr.split())
    assert run.returncode == 1 and "Traceback" not in said and "[E303]" in said
    assert "this pipeline did not build" in said


# -- 8. query: empty SQL, long SQL, huge results, Ctrl-C, locked settings -------------------------------

@pytest.mark.parametrize("sql", ["", ";", "/* c */", "  -- nothing\n"])
def test_a_query_with_no_statement_says_so(built_db, sql):
    run = cli("query", "--db", str(built_db), sql)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "holds no statement" in run.stderr


def test_sql_too_long_for_a_command_line_comes_from_a_file_or_standard_input(built_db, tmp_path):
    sql = "select count(*) as n from standards where " + " or ".join(["standard_id = 'x'"] * 9000)  # > 128 KB
    assert len(sql) > 128 * 1024
    (tmp_path / "q.sql").write_text(sql)
    for run in (cli("query", "--db", str(built_db), "--file", str(tmp_path / "q.sql"), "-f", "csv"),
                subprocess.run([sys.executable, "-m", "pipeline", "query", "--db", str(built_db), "-f", "csv"],
                               cwd=ROOT, input=sql, capture_output=True, text=True)):
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines() == ["n", "0"]


def test_the_table_format_shows_a_page_and_points_to_csv_for_the_rest(built_db):
    run = cli("query", "--db", str(built_db), "select range as i from range(100000)")
    assert run.returncode == 0
    rows = [line for line in run.stdout.splitlines() if line.startswith("│")]
    assert len(rows) == 1000 and "more follow: --format csv" in " ".join(run.stdout.split())
    csv_rows = cli("query", "--db", str(built_db), "select range as i from range(100000)", "-f", "csv").stdout
    assert len(csv_rows.splitlines()) == 100001


def test_a_query_too_deep_is_refused_without_suggesting_a_locked_setting(built_db):
    sql = "select " + "(" * 1200 + "1" + ")" * 1200
    run = cli("query", "--db", str(built_db), sql)
    said = " ".join(run.stderr.split())
    assert run.returncode == 1 and "[E302]" in said and "SET max_expression_depth" not in said
    assert "settings are locked" in said


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), RuntimeError("Query interrupted")])
def test_ctrl_c_during_a_query_stops_it_in_one_line(built_db, monkeypatch, interrupt):
    """Ctrl-C reaches a query as KeyboardInterrupt, or as DuckDB's RuntimeError when DuckDB sees it first
    (when it does is DuckDB's: a signal sent to a child in a test stops it at once on an idle machine, not
    on a loaded one). Both end the command with exit 130 and one line, the database untouched."""
    from typer.testing import CliRunner

    import pipeline.query as query
    from pipeline.cli import app

    def pressed(con, db, sql):
        raise interrupt

    monkeypatch.setattr(query, "_executed", pressed)
    before = built_db.read_bytes()
    result = CliRunner().invoke(app, ["query", "--db", str(built_db), "select count(*) from standards"])
    assert result.exit_code == 130 and "Traceback" not in result.output, result.output
    assert "interrupted: the query was stopped" in " ".join(result.output.split())
    assert built_db.read_bytes() == before


def test_ctrl_c_once_the_new_database_is_in_place_does_not_turn_a_finished_build_into_a_failure(tmp_path,
                                                                                               monkeypatch):
    import pipeline.load.database as database

    corpus = copy_corpus(tmp_path / "c")
    db = tmp_path / "db.duckdb"
    real_replace = os.replace

    def replace_then_ctrl_c(src, dst):
        real_replace(src, dst)
        if Path(dst) == db:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C right after the database's rename

    monkeypatch.setattr(database.os, "replace", replace_then_ctrl_c)
    report = build(corpus, db)
    assert [i.code for i in report.issues if i.code == "E219"] == ["E219"]
    assert tables_of(db)["documents"] == 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C works again afterwards


def test_calc_csv_writes_numbers_as_a_reader_reads_them(built_db, tmp_path):
    run = _calc(built_db, tmp_path, None, None, "--citations", str(tmp_path / "c.parquet"))
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "q.csv").read_text("utf-8")
    decimals = [len(v.split(".")[1]) for line in text.splitlines()[1:] for v in line.split(",")
                if re.fullmatch(r"-?\d+\.\d+", v)]
    assert decimals and max(decimals) <= 4


def test_a_db_that_is_a_folder_is_refused_before_any_work(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    folder = tmp_path / "out.duckdb"
    folder.mkdir()
    with pytest.raises(PipelineError) as exc:
        build(corpus, folder)
    assert exc.value.code == "E216" and "is a folder" in str(exc.value)
    assert list(folder.iterdir()) == [] and not (tmp_path / ".cache").exists()  # nothing processed first


def test_every_error_code_the_pipeline_raises_is_defined_and_every_defined_code_is_raised():
    """The error catalogue (pipeline/errors.py) and the code agree: a code raised is explained, a code explained
    is raised somewhere; an unknown code fails where it is made, naming the catalogue."""
    import re

    from pipeline.errors import MESSAGES, PipelineError

    used = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        if path.name != "errors.py":
            used |= set(re.findall(r"\"(E\d{3})\"", path.read_text("utf-8")))
    assert used == set(MESSAGES), (sorted(used - set(MESSAGES)), sorted(set(MESSAGES) - used))
    with pytest.raises(ValueError, match="unknown error code 'E999'"):
        PipelineError("E999", "x")
