import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.build import build
from pipeline.errors import PipelineError
from pipeline.load.locks import build_lock
from pipeline.load.tables import tables
from pipeline.query import run_query
from tests.conftest import CORPUS, ROOT, VARIANTS, WIKISOURCE_SEED, copy_corpus, score

EXTRACTION = {"standards.recall": "22/22", "standards.concept": "22/22", "standards.precision": "22/22",
              "standards.flags": "1/1", "conversion.recall": "13/13", "conversion.precision": "13/13",
              "conversion.flags": "5/5", "facts.zh": "15/15", "facts.en": "15/15", "facts.qualifier": "15/15",
              "facts.precision": "15/15", "numbers.recall": "37/37", "numbers.role": "37/37"}


def test_seed_corpus_scores(built_db):
    counts = score(built_db)
    assert counts["metadata"] == "9/9"
    assert counts["structure"] == "13/13"
    assert counts["crossrefs.recall"] == "12/12"
    assert {k: counts[k] for k in EXTRACTION} == EXTRACTION


@pytest.mark.parametrize("kind", VARIANTS)
def test_variants_of_the_wikisource_seed_score_the_same(variant_dbs, kind):
    counts = score(variant_dbs[kind])
    assert counts["structure"] == "13/13"
    assert counts["crossrefs.recall"] == "12/12"
    # the simplified variant is, rightly, no longer traditional script
    assert counts["metadata"] == ("8/9" if kind == "simplified" else "9/9")
    assert {k: counts[k] for k in EXTRACTION} == EXTRACTION
    con = duckdb.connect(str(variant_dbs[kind]), read_only=True)
    enc, script = con.execute("select encoding, script from documents where source_file = ?",
                              [WIKISOURCE_SEED]).fetchone()
    assert enc == {"gb18030": "gb18030", "big5": "big5"}.get(kind, "utf-8")
    assert script == ("simplified" if kind == "simplified" else "traditional")


def test_every_table_and_column_is_documented(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    for name, t in tables().items():
        comment = con.execute("select comment from duckdb_tables() where table_name = ?", [name]).fetchone()
        assert comment and comment[0], name
        cols = dict(con.execute("select column_name, comment from duckdb_columns() where table_name = ?",
                                [name]).fetchall())
        assert set(cols) == set(t.column_names)
        assert all(cols.values()), name


def test_every_view_and_view_column_is_documented(built_db):
    from pipeline.load.views import views

    con = duckdb.connect(str(built_db), read_only=True)
    described = dict(con.execute("select view_name, comment from duckdb_views() where not internal").fetchall())
    assert set(described) == set(views()) and all(described.values())
    undocumented = con.execute("select table_name, column_name from duckdb_columns() where comment is null "
                               "and table_name in (select view_name from duckdb_views() where not internal)"
                               ).fetchall()
    assert undocumented == []


def test_tables_have_primary_keys_that_name_their_rows(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    keys = {t: cols for t, cols in con.execute(
        "select table_name, constraint_column_names from duckdb_constraints() where constraint_type = 'PRIMARY KEY'"
    ).fetchall()}
    assert keys == {name: list(t.primary_key) for name, t in tables().items() if t.primary_key}
    assert {"standards", "facts", "units", "conversion_rates", "numbers", "documents", "cross_references"} <= set(keys)


def test_effective_values_take_review_over_erratum_over_text(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "reviews").mkdir()
    seed = "003_b69152d1adbf7c19/chp_3__art_9__item_1/seed.paddy/1"
    duck = "003_b69152d1adbf7c19/chp_4__art_17__item_3/feed.duck/1"
    first_row = "003_b69152d1adbf7c19/chp_2__art_7__table_1/1"
    (corpus / "reviews" / "r.yaml").write_text(f"""reviews:
  - {{id: {seed}, decision: correct, set: {{min: 8}}, reason: county copy, reviewer: t}}
  - {{id: {duck}, decision: reject, reason: out of scope, reviewer: t}}
  - {{id: {first_row}, decision: correct, set: {{crop: 燕麥}}, reason: another reading, reviewer: t}}
""", "utf-8")
    build(corpus, tmp_path / "db.duckdb")
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    rows = {r[0]: r[1:] for r in con.execute(
        "select standard_id, value_min, value_max, value_source, printed_min from standards_effective").fetchall()}
    assert rows[seed] == (8.0, 10.0, "review", None)
    # the corrected value in base units, and on one basis beside every other standard in mass or area
    assert con.execute("select base_min, base_max from standards_effective where standard_id = ?",
                       [seed]).fetchone() == (8.0, 10.0)
    comparable = {r[0]: r[1:] for r in con.execute(
        "select concept, per, comparable_basis, comparable_min, comparable_max, per_month_min "
        "from standards_comparable").fetchall()}
    assert comparable["ration.retained"][:4] == ("person_year", "person_year", 480.0, 520.0)
    assert comparable["ration.retained"][4] == 40.0  # 480 a year is 40 a month
    assert comparable["seed.paddy"][1:4] == ("mu_sown", 8.0, 10.0)  # the review's 8 over the lost bound
    assert comparable["feed.ox"][1:4] == ("head_year", 40.0, 50.0)
    assert rows[duck][:3] == (None, None, "rejected")
    assert {v[2] for k, v in rows.items() if k not in (seed, duck)} == {"text"}
    crops = dict(con.execute("select rate_id, crop || '/' || crop_source from conversion_rates_effective"
                             ).fetchall())
    assert crops[first_row] == "燕麥/review"  # over the erratum's 小麥
    assert sorted(v for v in crops.values() if v.endswith("/erratum")) == ["粟子/erratum", "蠶豆/erratum"]


def _canon(s: str) -> str:
    import re

    return re.sub(r"\s+", "", s).translate(str.maketrans(",;:()０１２３４５６７８９％", "，；：（）0123456789%"))


def test_unit_spans_show_their_text(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    texts = dict(con.execute("select doc_id, text_original from documents").fetchall())
    units = con.execute("select doc_id, unit_id, kind, language, char_start, char_end, text from units").fetchall()
    assert units
    for doc_id, unit_id, kind, language, a, b, text in units:
        original = texts[doc_id][a:b]
        if kind == "table" or language == "en":  # spacing is kept or collapsed, not removed
            assert original.split() == text.split() or _canon(original) == _canon(text), unit_id
        else:
            assert _canon(original) == _canon(text), (doc_id, unit_id)
    quotes = con.execute("""select substr(d.text_original, x.char_start + 1, x.char_end - x.char_start), x.quote
                            from cross_references x join documents d using (doc_id)""").fetchall()
    assert quotes and all(a == b for a, b in quotes)


BAD_FILES = {
    "empty.txt": (b"", "E101"),
    "picture.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "E117"),  # a scan, but a broken one
    "binary.txt": (b"\x00\x01\x02\x03 binary \x00" * 20, "E102"),
    "broken.txt": (b"\xa4\x40" * 20 + b"\x80\xff", "E103"),
    "english.txt": (b"No Chinese text in this file at all.\n", "E105"),
}


def test_bad_inputs_are_reported_and_the_rest_builds(tmp_path: Path):
    corpus = copy_corpus(tmp_path / "corpus")
    for name, (data, _) in BAD_FILES.items():
        (corpus / name).write_bytes(data)
    shutil.copy(CORPUS / WIKISOURCE_SEED, corpus / "copy_of_jiangxi.txt")
    (corpus / "zz_gbk_copy.txt").write_bytes((CORPUS / WIKISOURCE_SEED).read_text("utf-8").encode("gb18030"))
    report = build(corpus, tmp_path / "db.duckdb")
    skipped = {i.source_file: (i.code, i.message) for i in report.skipped}
    for name, (_, code) in BAD_FILES.items():
        assert skipped[name][0] == code and skipped[name][1].startswith(name)
    assert skipped["zz_gbk_copy.txt"][0] == "E104"
    assert WIKISOURCE_SEED in skipped["zz_gbk_copy.txt"][1]
    assert "copy_of_jiangxi.txt" not in skipped or skipped["copy_of_jiangxi.txt"][0] == "E104"
    assert len(report.documents) == 3
    assert score(tmp_path / "db.duckdb")["structure"] == "13/13"
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select count(*) from build_issues where severity = 'error'").fetchone()[0] == 7


def test_nothing_usable_is_an_error(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(PipelineError) as exc:
        build(tmp_path, tmp_path / "db.duckdb")
    assert exc.value.code == "E202"
    assert not (tmp_path / "db.duckdb").exists()


def test_failed_build_keeps_the_previous_database(tmp_path: Path, monkeypatch):
    db = tmp_path / "db.duckdb"
    build(CORPUS, db)
    before = db.read_bytes()
    import pipeline.load.database as database  # the build imports its stages when it runs them

    def broken(*args, **kwargs):
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(database, "write_database", broken)
    with pytest.raises(RuntimeError):
        build(CORPUS, db, force=True)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_invalid_rows_skip_their_document_naming_it_and_save_the_cases(tmp_path: Path, monkeypatch):
    db = tmp_path / "db.duckdb"
    build(CORPUS, db)
    before = db.read_bytes()
    import pipeline.load.records as records  # the build imports its stages when it runs them

    real = records.unit_records
    broken = {"003_b69152d1adbf7c19.txt"}

    def wrong_kind(sd):
        rows = real(sd)
        if sd.normalized.source.source_file in broken:
            rows[0].kind = "chapterette"
        return rows

    monkeypatch.setattr(records, "unit_records", wrong_kind)
    report = build(CORPUS, tmp_path / "other.duckdb", cache_dir=tmp_path / "fresh-cache")
    assert [(i.source_file, i.code) for i in report.skipped] == [("003_b69152d1adbf7c19.txt", "E204")]
    assert "units" in report.skipped[0].message
    assert {d.source_file for d in report.documents} == {"000_7c73fe4ff602b772.txt", "002_f63fa80ed67a2d57.txt"}
    saved = tmp_path / "validation_failures_003_b69152d1adbf7c19.txt_units.csv"
    assert "chapterette" in saved.read_text()

    broken |= {"000_7c73fe4ff602b772.txt", "002_f63fa80ed67a2d57.txt"}  # nothing valid: no database is written
    with pytest.raises(PipelineError) as exc:
        build(CORPUS, db, cache_dir=tmp_path / "fresher-cache")
    assert exc.value.code == "E202"
    assert all(f"{name}: validation failed for table units" in str(exc.value) for name in broken)
    assert db.read_bytes() == before


def test_rebuild_while_a_reader_holds_the_old_file(tmp_path: Path):
    db = tmp_path / "db.duckdb"
    build(CORPUS, db)
    reader = duckdb.connect(str(db), read_only=True)
    n = reader.execute("select count(*) from units").fetchone()[0]
    assert build(CORPUS, db, force=True).up_to_date is False  # must not block or fail
    assert reader.execute("select count(*) from units").fetchone()[0] == n
    reader.close()
    assert run_query(db, "select count(*) from units")[1][0][0] == n


def test_two_builds_of_one_target_do_not_overlap(tmp_path: Path):
    db = tmp_path / "db.duckdb"
    with build_lock(db):
        with pytest.raises(PipelineError) as exc:
            build(CORPUS, db)
    assert exc.value.code == "E203"


def test_query_is_read_only(built_db):
    with pytest.raises(PipelineError) as exc:
        run_query(built_db, "delete from units")
    assert exc.value.code == "E302"


def test_report_lists_documents(tmp_path: Path):
    report = build(CORPUS, tmp_path / "db.duckdb")
    data = json.loads(report.to_json())
    assert sorted(d["source_file"] for d in data["documents"]) == sorted(
        p.name for p in CORPUS.iterdir() if p.suffix == ".txt")
    assert os.path.exists(tmp_path / "db.duckdb")


def test_the_committed_data_dictionary_is_current():
    from pipeline.load.dictionary import data_dictionary
    from tests.conftest import ROOT

    assert (ROOT / "docs" / "data_dictionary.md").read_text("utf-8") == data_dictionary(), \
        "run: python -m pipeline dictionary"


def test_a_build_with_nothing_to_process_never_starts_the_language_pipelines(tmp_path: Path):
    """spaCy and jieba cost a second and 100 MB: the main process loads them only to process documents."""
    corpus, db = copy_corpus(tmp_path / "c"), tmp_path / "db.duckdb"
    build(corpus, db)
    script = ("import sys; from pathlib import Path; from pipeline.build import build; "
              "import pipeline.load.errata, pipeline.load.reviews; "
              f"report = build(Path({str(corpus)!r}), Path({str(db)!r})); "
              "print(report.up_to_date, sorted(m for m in ('spacy', 'jieba') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "[]"]
    from pipeline.extract import extract  # still offered by the package, on first use

    assert callable(extract)


def test_a_build_never_overwrites_a_file_it_did_not_write_and_writes_through_a_link(tmp_path: Path):
    corpus = copy_corpus(tmp_path / "corpus")
    source = corpus / WIKISOURCE_SEED
    before = source.read_bytes()
    for target in (source, tmp_path / "notes.txt"):
        target.write_bytes(before) if target.name == "notes.txt" else None
        with pytest.raises(PipelineError) as exc:
            build(corpus, target)
        assert exc.value.code == "E216" and target.read_bytes() == before
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("create table t as select 1 as x").close()
    with pytest.raises(PipelineError):
        build(corpus, other)
    assert duckdb.connect(str(other), read_only=True).execute("select x from t").fetchall() == [(1,)]
    real = tmp_path / "dbs" / "real.duckdb"
    real.parent.mkdir()
    build(corpus, real)
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    build(corpus, link, force=True)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert (tmp_path / "notes.txt").read_bytes() == before
    build(corpus, tmp_path / "notes.txt", force=True)  # --force overwrites, as asked


def test_progress_names_the_stage_and_counts_each_document_as_it_finishes(tmp_path: Path):
    corpus = copy_corpus(tmp_path / "c")
    calls: list[tuple[str, int, int]] = []
    build(corpus, tmp_path / "db.duckdb", progress=lambda what, done, total: calls.append((what, done, total)),
          workers=1)
    processed = [c for c in calls if c[0].startswith("processed ")]
    assert [done for _, done, _ in processed] == [1, 2, 3] and {t for _, _, t in calls} == {3}
    assert sorted(what.removeprefix("processed ") for what, _, _ in processed) == sorted(
        p.name for p in corpus.glob("*.txt"))
    assert calls[0][0] == "reading" and calls[-1] == ("writing db.duckdb", 3, 3)


def test_builds_of_one_corpus_are_identical_however_they_run_and_a_changed_row_shows(tmp_path):
    """The fingerprint a refactoring is checked with (pipeline/load/fingerprint.py): a serial build and a build
    in two worker processes, in other folders with their own caches, give the same tables; one value changed is
    one table that differs."""
    import shutil

    import duckdb

    from pipeline.build import PARALLEL_FROM
    from pipeline.load.fingerprint import differences

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for k in range(PARALLEL_FROM):  # enough distinct texts that the build takes worker processes
        (corpus / f"county_{k}.txt").write_text(
            f"# 第{k + 1}县农村粮食供应暂行办法\n\n第一条 缺粮户的口粮标准，每人每年不得超过{400 + k}斤。\n\n"
            f"第二条 种子每亩留十斤，耕牛每头每年留饲料{80 + k}斤。\n", "utf-8")
    serial, parallel = tmp_path / "a" / "db.duckdb", tmp_path / "b" / "db.duckdb"
    assert build(corpus, serial, workers=1).workers == 1
    assert build(corpus, parallel, workers=2).workers == 2
    assert differences(serial, parallel) == []
    changed = tmp_path / "c.duckdb"
    shutil.copy(parallel, changed)
    with duckdb.connect(str(changed)) as con:
        con.execute("update standards set value_max = value_max + 1 where standard_id = "
                    "(select min(standard_id) from standards where value_max is not null)")
    (line,) = differences(serial, changed)
    assert line.startswith("standards: ") and "same count, other values" in line


def test_a_no_change_build_learns_it_from_the_report_without_opening_the_database(tmp_path: Path):
    """The report beside the database names the inputs and the very file it describes: a build with nothing
    changed reads it and never imports DuckDB, and says what a build that opens the database says."""
    from pipeline import api

    corpus, db = copy_corpus(tmp_path / "c"), tmp_path / "db.duckdb"
    (corpus / "errata").mkdir(exist_ok=True)
    (corpus / "errata" / "bad.yaml").write_text(
        "errata:\n  - document: 003_b69152d1adbf7c19.txt\n    table: conversion_rates\n"
        "    match: {article_no: 99, position: 1}\n    set: {crop_reading: 小麥}\n    reason: a row that is not there\n"
        "    author: a test\n    date: 2026-12-07\n", "utf-8")
    api.build(corpus, db)
    script = ("import sys; from pathlib import Path; from pipeline import api; "
              f"r = api.build(Path({str(corpus)!r}), Path({str(db)!r})); "
              "import json; print(json.dumps([r.up_to_date, 'duckdb' in sys.modules]))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [True, False]
    fast = json.loads(api.report_file(db).read_text("utf-8"))
    rewritten = dict(fast, database_file=[])  # a report that describes no file: the database is opened
    api.report_file(db).write_text(json.dumps(rewritten), "utf-8")
    slow = json.loads(api.build(corpus, db).to_json())
    assert slow["up_to_date"] and slow["database_file"] == fast["database_file"]
    for field in ("tables", "issues", "carried_issues", "decisions", "inputs_sha256"):
        assert slow[field] == fast[field], field
    assert any(i["code"] == "E205" for i in fast["carried_issues"])  # the erratum's warning, carried over


def test_a_database_put_back_from_before_is_rebuilt_though_the_report_names_the_inputs(tmp_path: Path):
    """The report describes one file (size, time, inode): an older database copied back under its name is
    opened, found built from other inputs, and rebuilt."""
    from pipeline import api

    corpus, db = copy_corpus(tmp_path / "c"), tmp_path / "db.duckdb"
    api.build(corpus, db)
    shutil.copy(db, tmp_path / "before.duckdb")
    shutil.copy(corpus / WIKISOURCE_SEED, corpus / "copy_with_a_line.txt")
    with open(corpus / "copy_with_a_line.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附記：本件另抄一份。\n")
    documents = api.build(corpus, db).tables["documents"]
    shutil.copy(tmp_path / "before.duckdb", db)
    again = api.build(corpus, db)
    assert not again.up_to_date and again.tables["documents"] == documents
