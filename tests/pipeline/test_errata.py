import shutil

import duckdb

from pipeline.build import build
from pipeline.load.errata import load_errata
from tests.conftest import CORPUS, copy_corpus


def test_shipped_errata_are_readings_beside_the_raw_names(built_db):
    con = duckdb.connect(str(built_db), read_only=True)
    rows = con.execute("select position, crop, crop_reading, erratum from conversion_rates "
                       "where crop_reading is not null order by position").fetchall()
    assert [(p, c, r) for p, c, r, _ in rows] == [(1, "大麥", "小麥"), (7, "栗子", "粟子"), (9, "蠶蟲", "蠶豆")]
    assert all("grain-data maintainers" in e for *_, e in rows)
    errata, problems = load_errata(CORPUS / "errata")
    assert problems == [] and all(len(e.reason) > 40 for e in errata)


def test_errata_that_match_nothing_or_are_malformed_are_reported(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "errata" / "zz_bad.yaml").write_text("errata: {not: a list}\n", "utf-8")
    (corpus / "errata" / "zz_stale.yaml").write_text(
        "errata:\n  - {document: 003_b69152d1adbf7c19.txt, table: conversion_rates, match: {crop: 稻草},"
        " set: {crop_reading: 稻穀}, reason: test, author: me}\n"
        "  - {document: 003_b69152d1adbf7c19.txt, table: standards, match: {concept: seed.paddy},"
        " set: {value_min: 8}, reason: test, author: me}\n", "utf-8")
    report = build(corpus, tmp_path / "db.duckdb")
    codes = sorted((i.source_file, i.code) for i in report.issues)
    assert codes == [("zz_bad.yaml", "E206"), ("zz_stale.yaml", "E205"), ("zz_stale.yaml", "E206")]
    assert all(i.severity == "warning" for i in report.issues)


def test_a_reading_for_a_lost_bound(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    shutil.rmtree(corpus / "errata")
    (corpus / "errata").mkdir()
    (corpus / "errata" / "seed.yaml").write_text(
        "errata:\n  - document: 003_b69152d1adbf7c19.txt\n    table: standards\n"
        "    match: {article_no: 9, concept: seed.paddy}\n    set: {reading_min: 8}\n"
        "    reason: the lower bound is lost; 8 is the neighbouring counties' figure\n    author: tester\n", "utf-8")
    build(corpus, tmp_path / "db.duckdb")
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    row = con.execute("select value_min, value_max, reading_min, erratum from standards "
                      "where concept = 'seed.paddy'").fetchone()
    assert row[:3] == (None, 10.0, 8.0) and "tester" in row[3]
