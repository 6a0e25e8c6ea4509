"""Review decisions, stable ids, diff, export, add, and the README's example queries."""
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.build import build
from pipeline.calc import compute
from pipeline.diff import diff
from pipeline.errors import PipelineError
from pipeline.export import export_parquet
from tests.conftest import REAL, ROOT, VARIANTS, WIKISOURCE_SEED, copy_corpus, needs_real_texts

EXAMPLES = ROOT / "corpus" / "examples"
RATION = "003_b69152d1adbf7c19/chp_3__art_9__item_2/ration.retained/1"
SEED = "003_b69152d1adbf7c19/chp_3__art_9__item_1/seed.paddy/1"
TABLE_ROW_1 = "003_b69152d1adbf7c19/chp_2__art_7__table_1/1"
DUCK = "003_b69152d1adbf7c19/chp_4__art_17__item_3/feed.duck/1"


def reviewed_corpus(tmp_path: Path) -> Path:
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "reviews").mkdir()
    (corpus / "reviews" / "2026-11.yaml").write_text(f"""reviews:
  - {{id: {RATION}, decision: confirm, reason: checked against the print, reviewer: tester}}
  - {{id: {SEED}, decision: correct, set: {{min: 8}}, reason: the county copy prints 八至十斤, reviewer: tester}}
  - {{id: {TABLE_ROW_1}, decision: correct, set: {{crop: 小麥}}, reason: wheat, reviewer: tester}}
  - {{id: {DUCK}, decision: reject, reason: ducks are outside this study, reviewer: tester}}
  - {{id: 003_b69152d1adbf7c19/chp_9__art_99/feed.ox/1, decision: confirm, reason: old id, reviewer: tester}}
""", encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def reviewed_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reviewed")
    db = folder / "db.duckdb"
    report = build(reviewed_corpus(folder), db)
    return db, report


def test_decisions_are_applied_beside_the_raw_values(reviewed_db):
    db, report = reviewed_db
    con = duckdb.connect(str(db), read_only=True)
    status = dict(con.execute("select standard_id, review_status from standards").fetchall())
    assert status[RATION] == "confirmed" and status[SEED] == "corrected" and status[DUCK] == "rejected"
    assert con.execute("select value_min, reviewed_min, review_note from standards where standard_id = ?",
                       [SEED]).fetchone()[:2] == (None, 8.0)
    assert con.execute("select crop, reviewed_crop, review_status from conversion_rates where rate_id = ?",
                       [TABLE_ROW_1]).fetchone() == ("大麥", "小麥", "corrected")
    stale = [i for i in report.issues if i.code == "E207"]
    assert len(stale) == 1 and "chp_9__art_99" in stale[0].message


def test_calc_uses_corrections_and_never_rejected_rows(reviewed_db, tmp_path):
    db, _ = reviewed_db
    county = tmp_path / "county.yaml"
    county.write_text("default: {policy: mid, values: {ration.non_grain: 470, ration.idle_landlord_cut_pct: 10, "
                      "feed.duck: 6}}\n", encoding="utf-8")
    with pytest.raises(PipelineError) as exc:  # the only feed.duck row was rejected
        compute(db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", county_rules=county)
    assert exc.value.code == "E403" and "feed.duck" in str(exc.value)
    with pytest.raises(PipelineError) as exc:  # few rows are reviewed yet
        compute(db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", county_rules=county,
                reviewed_only=True)
    assert exc.value.code == "E403"


def test_reviewed_only_uses_confirmed_and_corrected_rows(tmp_path, built_db):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "reviews").mkdir()
    con = duckdb.connect(str(built_db), read_only=True)
    ids = [r[0] for r in con.execute("select standard_id from standards where doc_id = '003_b69152d1adbf7c19'")
           .fetchall()]
    lines = [f"  - {{id: {i}, decision: confirm, reason: checked, reviewer: t}}" for i in ids if i != SEED]
    lines.append(f"  - {{id: {SEED}, decision: correct, set: {{min: 8}}, reason: county copy, reviewer: t}}")
    lines += [f"  - {{id: {r[0]}, decision: confirm, reason: checked, reviewer: t}}"
              for r in con.execute("select rate_id from conversion_rates").fetchall()]
    (corpus / "reviews" / "all.yaml").write_text("reviews:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    county = tmp_path / "county.yaml"
    county.write_text("default: {policy: mid, values: {ration.non_grain: 470, ration.idle_landlord_cut_pct: 10}}\n",
                      encoding="utf-8")
    out = compute(db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", county_rules=county,
                  reviewed_only=True).output.set_index("household_id")
    assert out.at["H01", "seed_jin"] == pytest.approx(90)  # mid of the corrected 8 and 10


def test_ids_survive_rewrapping_and_edits_to_other_documents(variant_dbs, built_db, tmp_path):
    def ids(db):
        con = duckdb.connect(str(db), read_only=True)
        return {t: sorted(r[0] for r in con.execute(f"select {c} from {t}").fetchall())
                for t, c in (("standards", "standard_id"), ("conversion_rates", "rate_id"), ("facts", "fact_id"))}

    base = ids(built_db)
    assert VARIANTS and ids(variant_dbs["rewrap30"]) == base and ids(variant_dbs["rewrap41"]) == base
    corpus = copy_corpus(tmp_path / "c")
    other = corpus / "002_f63fa80ed67a2d57.txt"
    other.write_text(other.read_text("utf-8").replace("一律不再交纳股份基金", "一律不再交纳股金"), "utf-8")
    build(corpus, tmp_path / "db.duckdb")
    assert ids(tmp_path / "db.duckdb") == base


def test_diff_lists_what_changed(built_db, tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    seed = corpus / WIKISOURCE_SEED
    seed.write_text(seed.read_text("utf-8").replace("四十至五十斤計留", "四十五至五十五斤計留"), "utf-8")
    (corpus / "000_7c73fe4ff602b772.txt").unlink()
    build(corpus, tmp_path / "new.duckdb")
    tables = {d.table: d for d in diff(built_db, tmp_path / "new.duckdb")}
    ox = "003_b69152d1adbf7c19/chp_3__art_9__item_3/feed.ox/1"
    assert (ox, "value_min", 40.0, 45.0) in tables["standards"].changed
    assert len(tables["facts"].removed) == 30 and tables["facts"].added == []
    run = subprocess.run([sys.executable, "-m", "pipeline", "diff", str(built_db), str(tmp_path / "new.duckdb")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0 and f"~ {ox} value_min: 40.0 → 45.0" in run.stdout
    base = [sys.executable, "-m", "pipeline", "diff", str(built_db), str(tmp_path / "new.duckdb")]
    summary = subprocess.run([*base, "--summary"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "000_7c73fe4ff602b772: +0 -30 ~0" in summary and ox not in summary  # a line per document, no row
    rows = [json.loads(line) for line in
            subprocess.run([*base, "-f", "jsonl"], cwd=ROOT, capture_output=True, text=True).stdout.splitlines()]
    assert {"table": "standards", "change": "changed", "row_id": ox, "column": "value_min", "old": 40.0,
            "new": 45.0} in rows and sum(r["change"] == "removed" for r in rows) == 30
    counted = subprocess.run([*base, "--summary", "-f", "csv"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "facts,000_7c73fe4ff602b772,removed,30" in counted.splitlines()


def test_export_writes_every_table_and_view_with_its_descriptions(built_db, tmp_path):
    import pyarrow.parquet as pq

    files = export_parquet(built_db, tmp_path / "parquet")
    written = {p.stem for p in files if p.suffix == ".parquet"}
    card = (tmp_path / "parquet" / "README.md").read_text("utf-8")
    assert "## Licence" in card and "003_b69152d1adbf7c19.txt" in card and "| standards.parquet | 22 |" in card
    con = duckdb.connect(str(built_db), read_only=True)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    assert written == tables | views and views
    assert duckdb.sql(f"select count(*) from '{tmp_path / 'parquet' / 'standards.parquet'}'").fetchall() == [(22,)]
    schema = pq.read_schema(tmp_path / "parquet" / "standards.parquet")
    described = con.execute("select comment from duckdb_columns() where table_name = 'standards' "
                            "and column_name = 'value_min'").fetchone()[0]
    assert schema.field("value_min").metadata[b"description"].decode() == described
    assert not list((tmp_path / "parquet").glob(".*"))  # no temporary file left


def test_add_copies_writes_a_sidecar_rebuilds_and_reports(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    new = tmp_path / "hubei.txt"
    new.write_text((ROOT / "tests/data/period/hubei_rules_1955.txt").read_text("utf-8"), "utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "add", str(new), "--corpus", str(corpus), "--db",
                          str(tmp_path / "db.duckdb"), "--issuer", "湖北省人民委員會"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "7 article" in run.stdout and "9 standards" in run.stdout
    assert (corpus / "hubei.txt").exists() and "湖北省人民委員會" in (corpus / "hubei.meta.yaml").read_text("utf-8")
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select issuer from documents where doc_id = 'hubei'").fetchone()[0] == "湖北省人民委員會"
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    run = subprocess.run([sys.executable, "-m", "pipeline", "add", str(bad), "--corpus", str(corpus), "--db",
                          str(tmp_path / "db.duckdb")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 1 and "empty.txt" in run.stderr and "empty" in run.stderr


def test_readme_example_queries_run_and_return_no_duplicate_rows(built_db):
    readme = (ROOT / "README.md").read_text("utf-8")
    queries = re.findall(r'python3 -m pipeline query (?:--format \w+ )?"([^"]+)"', readme)
    assert len(queries) >= 6
    con = duckdb.connect(str(built_db), read_only=True)
    for q in queries:
        rows = con.execute(q).fetchall()
        assert rows, q
        assert len({repr(r) for r in rows}) == len(rows), f"duplicate rows: {q}"
        if " limit " in q:
            assert " order by " in q, f"a sample must be the same from run to run: {q}"


# -- a decision stays with its evidence (real text 62: 男劳动力每月休假两天，女劳动力每月休假3天) ---------------

REAL_62 = REAL / "62_hubei_ten_measures_peasant_initiative_1960.txt"
MEN = "男劳动力每月休假两天"


def _review_62(tmp_path, text: str, quote: str | None) -> tuple[object, duckdb.DuckDBPyConnection]:
    corpus = tmp_path / "c"
    (corpus / "reviews").mkdir(parents=True, exist_ok=True)
    (corpus / REAL_62.name).write_text(text, "utf-8")
    doc = REAL_62.stem
    entry = {"id": f"{doc}/sec_1__art_8__para_4/labor.unclassified/1", "decision": "correct",
             "set": {"min": 4, "max": 4}, "reason": "the county copy prints 四天", "reviewer": "T. Test"}
    if quote:
        entry["quote"] = quote
    (corpus / "reviews" / "r.yaml").write_text(yaml.safe_dump({"reviews": [entry]}, allow_unicode=True), "utf-8")
    report = build(corpus, tmp_path / f"db{len(list(tmp_path.iterdir()))}.duckdb", workers=1)
    return report, duckdb.connect(str(report.db), read_only=True)


@needs_real_texts
def test_a_review_is_not_applied_to_other_words_that_took_its_id(tmp_path):
    original = REAL_62.read_text("utf-8")
    report, con = _review_62(tmp_path, original, MEN)
    assert con.execute("select reviewed_min from standards where quote = ?", [MEN]).fetchone() == (4.0,)
    # one more standard first in that paragraph: the id now names 老年社员每月休假八天
    changed = original.replace("确定休假的制度和作息时间。", "确定休假的制度和作息时间。老年社员每月休假八天，", 1)
    report, con = _review_62(tmp_path, changed, MEN)
    rows = dict(con.execute("select quote, review_status from standards where quote like '%休假%'").fetchall())
    assert rows["老年社员每月休假八天"] == "unreviewed" and rows[MEN] == "unreviewed"
    (issue,) = [i for i in report.issues if i.code == "E213"]
    assert "老年社员每月休假八天" in issue.message and MEN in issue.message


@needs_real_texts
def test_a_review_whose_id_is_gone_follows_its_quote_with_a_warning(tmp_path):
    # a paragraph more before it in its article: its id (…para_4…) now names nothing
    original = REAL_62.read_text("utf-8")
    changed = original.replace("　　确定休假的制度和作息时间。",
                               "　　要注意劳逸结合。\n\n　　确定休假的制度和作息时间。", 1)
    report, con = _review_62(tmp_path, changed, MEN)
    (new_id, status, low) = con.execute("select standard_id, review_status, reviewed_min from standards "
                                        "where quote = ?", [MEN]).fetchone()
    assert status == "corrected" and low == 4.0 and "para_5" in new_id
    (issue,) = [i for i in report.issues if i.code == "E214"]
    assert new_id in issue.message


@needs_real_texts
def test_a_review_without_a_quote_whose_id_is_gone_says_how_to_find_it_again(tmp_path):
    original = REAL_62.read_text("utf-8")
    changed = original.replace("　　确定休假的制度和作息时间。",
                               "　　要注意劳逸结合。\n\n　　确定休假的制度和作息时间。", 1)
    report, con = _review_62(tmp_path, changed, None)
    assert con.execute("select count(*) from standards where review_status <> 'unreviewed'").fetchone() == (0,)
    (issue,) = [i for i in report.issues if i.code == "E207"]
    assert "add the row's quote" in issue.message


# -- the review command -------------------------------------------------------------------------------

SEED_ROW = "003_b69152d1adbf7c19/chp_3__art_9__item_1/seed.paddy/1"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True)


def test_the_review_command_records_a_decision_with_its_evidence_and_the_build_applies_it(built_db, tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    file = corpus / "reviews" / "mine.yaml"
    run = _cli("review", SEED_ROW, "--correct", "min=8", "--reason", "the county copy prints 八至十斤",
               "--reviewer", "M. Zhang", "--db", str(built_db), "--reviews", str(file))
    assert run.returncode == 0, run.stderr
    (entry,) = yaml.safe_load(file.read_text("utf-8"))["reviews"]
    assert entry["set"] == {"min": 8} and entry["quote"] == "稻田按播種面積每畝平均以至十斤" and entry["context"]
    again = _cli("review", SEED_ROW, "--confirm", "--reason", "looked again", "--reviewer", "M. Zhang",
                 "--db", str(built_db), "--reviews", str(file))
    assert again.returncode == 1 and "already holds a decision" in again.stderr and "Traceback" not in again.stderr
    report = build(corpus, tmp_path / "db.duckdb", workers=1)
    con = duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True)
    assert con.execute("select review_status, reviewed_min from standards where standard_id = ?",
                       [SEED_ROW]).fetchone() == ("corrected", 8.0)
    assert not [i for i in report.issues if i.stage == "reviews"]


@pytest.mark.parametrize("args, says", [
    (["--confirm", "--reason", "checked against …", "--reviewer", "M. Zhang"], "reason"),  # a placeholder
    (["--confirm", "--reason", "checked", "--reviewer", "…"], "reviewer"),
    (["--confirm", "--reject", "--reason", "checked", "--reviewer", "M"], "exactly one"),
    (["--correct", "minimum=8", "--reason", "checked", "--reviewer", "M"], "sets one or more of"),
    (["--correct", "min8", "--reason", "checked", "--reviewer", "M"], "FIELD=VALUE"),
    (["--correct", "min=99", "--reason", "checked", "--reviewer", "M"], "above max"),
])
def test_the_review_command_refuses_bad_input_naming_the_field(built_db, tmp_path, args, says):
    file = tmp_path / "r.yaml"
    run = _cli("review", SEED_ROW, *args, "--db", str(built_db), "--reviews", str(file))
    assert run.returncode == 1 and says in run.stderr.replace("\n", " ") and "Traceback" not in run.stderr
    assert not file.exists()


def test_a_misspelt_decision_or_a_placeholder_in_a_review_file_names_the_field(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "reviews").mkdir(exist_ok=True)
    (corpus / "reviews" / "r.yaml").write_text(f"""reviews:
  - {{id: {SEED_ROW}, decision: confrim, reason: checked, reviewer: M}}
  - {{id: {SEED_ROW}, decision: confirm, reason: "checked against …", reviewer: M}}
""", "utf-8")
    report = build(corpus, tmp_path / "db.duckdb", workers=1)
    messages = [i.message for i in report.issues if i.stage == "reviews"]
    assert any("decision: 'confrim'" in m for m in messages)
    assert any("reason:" in m and "placeholder" in m for m in messages)


SEED_PADDY = "003_b69152d1adbf7c19/chp_3__art_9__item_1/seed.paddy/1"  # flagged: ocr_suspect, missing_bound


def test_build_says_what_the_decisions_did_what_is_still_flagged_and_what_has_no_date(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "undated_rules.txt").write_text("某县粮食办法\n\n第一条 口粮每人每年四百八十斤。\n", "utf-8")
    db = tmp_path / "db.duckdb"
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True)
    said = " ".join(run.stdout.split())
    assert run.returncode == 0, run.stderr
    assert "decisions: 3 rows read by errata, 0 reviewed; 0 withdrawn" in said
    assert "flags to resolve: 6 rows (003_b69152d1adbf7c19/chp_2__art_7__table_1/1 [duplicate_crop]" in said
    listed = json.loads((tmp_path / "db.build_report.json").read_text("utf-8"))["decisions"]["flagged_rows"]
    assert [SEED_PADDY, ["ocr_suspect", "missing_bound"]] in listed
    assert "no date: 1 document (undated_rules.txt)" in said and "date: YYYY-MM-DD" in said
    (corpus / "reviews").mkdir()
    (corpus / "reviews" / "r.yaml").write_text(
        f"reviews:\n  - id: {SEED_PADDY}\n    decision: confirm\n    reason: the county copy prints 以至十斤 too\n"
        f"    reviewer: T. Test\n  - id: {SEED_PADDY.replace('/1', '/9')}\n    decision: confirm\n"
        "    reason: a row that is gone\n    reviewer: T. Test\n", "utf-8")
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True)
    said = " ".join(run.stdout.split())
    assert "decisions: 3 rows read by errata, 1 reviewed; 1 withdrawn (the warnings above say why)" in said
    assert "flags to resolve: 5 rows" in said
    report = json.loads((tmp_path / "db.build_report.json").read_text("utf-8"))["decisions"]
    assert report["reviews_applied"] == 1 and report["flagged_open"] == 5
    assert SEED_PADDY not in [row_id for row_id, _ in report["flagged_rows"]]
    assert report["undated"] == ["undated_rules.txt"]
    from pipeline.report import report_context

    resolved = report_context(db)
    assert SEED_PADDY not in {r["id"] for r in resolved["flagged"]}  # it left "Flags to resolve"
    assert resolved["counts"]["flagged"] == 5 and resolved["counts"]["resolved"] == 1
