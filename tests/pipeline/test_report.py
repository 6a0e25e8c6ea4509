"""The HTML review report, checked in a real headless Chromium at a desktop's and a phone's width.

A harness page holds the report in three frames: 1400×900 and 390×844 with scripts, and 1400×900 with
scripts forbidden (a sandboxed frame), then measures each frame from outside and writes what it saw
as JSON into its own DOM, which Chromium dumps.
"""
import json
import re
import shutil
import subprocess
from html import escape, unescape

import duckdb
import pytest
import yaml

from pipeline.report import build_report, fmt, highlight, nice_ticks, write_report
from pipeline.yamlfiles import read_yaml_text
from tests.conftest import ROOT

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files", "--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0"]

HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="desktop" src="report.html" style="width:1400px;height:900px;border:0;display:block"></iframe>
<iframe id="phone" src="report.html" style="width:390px;height:844px;border:0;display:block"></iframe>
<iframe id="nojs" sandbox="allow-same-origin" src="report.html"
        style="width:1400px;height:900px;border:0;display:block"></iframe>
<iframe id="doc" src="__DOC__" style="width:1400px;height:900px;border:0;display:block"></iframe>
<iframe id="docphone" src="__DOC__" style="width:390px;height:844px;border:0;display:block"></iframe>
<pre id="out">pending</pre>
<script>
"use strict";
const ROW = __ROW__;
function loaded(id) {
  const f = document.getElementById(id), page = f.getAttribute("src");
  const ready = () => f.contentDocument && f.contentDocument.URL.endsWith(page)
    && f.contentDocument.readyState === "complete";
  return new Promise(ok => ready() ? ok(f) : f.addEventListener("load", () => ok(f)));
}
function visible(el) { return !el.closest(".is-hidden"); }
function measure(f) {
  const d = f.contentDocument, w = f.contentWindow, root = d.documentElement;
  const paint = w.performance.getEntriesByType("paint").find(e => e.name === "first-contentful-paint");
  const out = {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, innerWidth: w.innerWidth,
               innerHeight: w.innerHeight, rendered: d.body.dataset.rendered || null,
               shown: (d.getElementById("shown") || {}).textContent || null,
               counts: Object.fromEntries(Array.from(d.querySelectorAll(".count"))
                 .map(e => [e.dataset.key, e.textContent])),
               filtersVisible: !d.getElementById("filters").hidden,
               firstPaint: paint ? paint.startTime : null, nodes: d.getElementsByTagName("*").length};
  const label = d.querySelector("svg text.label");
  if (label) out.chartText = label.getBoundingClientRect().height;  // as big as it is drawn on the screen
  const mark = ROW && d.querySelector('mark[data-row="' + ROW + '"]');
  if (mark) { const r = mark.getBoundingClientRect(); out.mark = [r.left, r.top, r.right, r.bottom]; }
  out.wide = Array.from(d.querySelectorAll("body *"))
    .filter(e => e.getBoundingClientRect().right > w.innerWidth + 0.5)
    .slice(0, 5).map(e => e.tagName + "." + e.className);
  return out;
}
function filtered(f) {
  // On the index, choose the document of the first flag to resolve: the flags and chart marks of every
  // other document disappear.
  const d = f.contentDocument, select = d.getElementById("f-doc");
  const first = d.querySelector("#flags article.row");
  if (!first) return null;
  const doc = first.dataset.doc;
  select.value = doc;
  select.dispatchEvent(new Event("input"));
  const seen = els => els.filter(visible).map(e => e.dataset.doc);
  const out = {doc, rows: seen(Array.from(d.querySelectorAll("#flags article.row"))),
               marks: seen(Array.from(d.querySelectorAll("g.mark"))), shown: d.getElementById("shown").textContent,
               marksBefore: d.querySelectorAll("g.mark").length};
  select.value = ""; select.dispatchEvent(new Event("input"));
  return out;
}
function docFiltered(f) {
  // On a document's page, "flagged only" leaves its flagged rows.
  const d = f.contentDocument, flagged = d.getElementById("f-flagged");
  const rows = Array.from(d.querySelectorAll("article.row"));
  const out = {doc: d.querySelector("section.document").dataset.doc, rows: rows.length,
               shown: d.getElementById("shown").textContent};
  flagged.checked = true; flagged.dispatchEvent(new Event("input"));
  out.flaggedRows = rows.filter(visible).map(e => e.dataset.flagged);
  out.flaggedShown = d.getElementById("shown").textContent;
  return out;
}
const FRAMES = ["desktop", "phone", "nojs", "doc", "docphone"];
Promise.all(FRAMES.map(loaded)).then(([desktop, phone, nojs, doc, docphone]) => {
  const out = {desktop: measure(desktop), phone: measure(phone), nojs: measure(nojs), doc: measure(doc),
               docphone: measure(docphone)};
  out.filters = filtered(desktop);
  out.docFilters = docFiltered(doc);
  document.getElementById("out").textContent = JSON.stringify(out);
}).catch(e => { document.getElementById("out").textContent = JSON.stringify({error: String(e)}); });
</script></body></html>"""


def fetch(db, sql: str) -> list[tuple]:
    """The rows of `sql` on the built database."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def first_flagged_standard(db) -> str | None:
    rows = fetch(db, "select standard_id from standards where len(flags) > 0 order by doc_id, char_start limit 1")
    return rows[0][0] if rows else None


def render(db, folder) -> tuple[dict, str, str]:
    """Write the report of `db`, load its index and the page of the document with the most flags in Chromium
    through the harness, return (measures, log, the html of every page)."""
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    assert browser, "the report test needs Chromium: `bash scripts/test.sh` installs Debian's chromium"
    page = write_report(db, folder / "report.html")
    doc = fetch(db, "select doc_id from (select doc_id, len(flags) > 0 as f from standards union all "
                    "select doc_id, len(flags) > 0 from facts union all select doc_id, len(flags) > 0 from "
                    "conversion_rates) group by doc_id order by sum(f::int) desc, doc_id limit 1")[0][0]
    harness = folder / "harness.html"
    harness.write_text(HARNESS.replace("__ROW__", json.dumps(first_flagged_standard(db)))
                       .replace("__DOC__", f"report/{doc}.html"), encoding="utf-8")
    run = subprocess.run([browser, *FLAGS, f"--user-data-dir={folder / 'profile'}", "--dump-dom",
                          harness.as_uri()], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert found and found.group(1) != "pending", run.stdout[-1000:]
    pages = [page, *sorted((folder / "report").glob("*.html"))]
    return json.loads(found.group(1)), run.stderr, "\n".join(p.read_text(encoding="utf-8") for p in pages)


@pytest.fixture(scope="module", params=["seeds", "real"])
def seen(request, tmp_path_factory):
    """(db, measures, browser log, page) for the bundled corpus and for the real period texts."""
    db = request.getfixturevalue("built_db" if request.param == "seeds" else "real_db")
    measures, log, page = render(db, tmp_path_factory.mktemp(f"report-{request.param}"))
    assert "error" not in measures, measures
    return db, measures, log, page


def counts(db) -> dict[str, int]:
    tables = ("documents", "standards", "conversion_rates", "facts")
    out = {t: fetch(db, f"select count(*) from {t}")[0][0] for t in tables}
    out["flagged"] = sum(fetch(db, f"select count(*) from {t} where len(flags) > 0")[0][0] for t in tables[1:])
    return out


def test_the_quote_of_the_first_flagged_standard_is_on_screen_at_1400(seen):
    db, measures, _, _ = seen
    desktop = measures["desktop"]
    if first_flagged_standard(db) is None:
        pytest.fail("this corpus has no flagged standard; the test needs one to look at")
    left, top, right, bottom = desktop["mark"]
    assert 0 <= left < right <= desktop["innerWidth"], desktop["mark"]
    assert 0 <= top < bottom <= desktop["innerHeight"], desktop["mark"]
    assert desktop["scrollWidth"] <= desktop["clientWidth"], desktop["wide"]


def test_no_horizontal_scroll_on_a_phone(seen):
    _, measures, _, _ = seen
    for phone in (measures["phone"], measures["docphone"]):  # the index and a document's page
        assert phone["innerWidth"] == 390
        assert phone["scrollWidth"] <= phone["clientWidth"], phone["wide"]


def test_chart_text_is_readable_on_a_phone(seen):
    _, measures, _, _ = seen
    phone = measures["phone"]
    assert phone.get("chartText") and phone["chartText"] >= 10, phone  # a chart scrolls in its frame, never shrinks


def test_the_page_runs_its_script_without_console_errors(seen):
    _, measures, log, _ = seen
    assert all(measures[f]["rendered"] == "yes" for f in ("desktop", "phone", "doc", "docphone"))
    assert measures["desktop"]["filtersVisible"] and measures["doc"]["filtersVisible"]
    sandboxed = "'allow-scripts' permission is not set"  # the no-script frame, by design
    assert [line for line in log.splitlines() if "CONSOLE" in line and sandboxed not in line] == []


def test_the_counts_are_there_without_javascript(seen):
    db, measures, _, _ = seen
    nojs = measures["nojs"]
    assert nojs["rendered"] is None, "the sandboxed frame should not run scripts"
    assert not nojs["filtersVisible"], "filters need the script and stay hidden without it"
    for key, n in counts(db).items():
        assert nojs["counts"][key] == str(n), key


def test_filters_hide_rows_and_chart_marks_alike(seen):
    db, measures, _, _ = seen
    f = measures["filters"]  # the index: flags to resolve and the charts that compare documents
    assert f["marksBefore"] > 0, "the report should draw chart marks"
    assert f["rows"] and set(f["rows"]) == {f["doc"]}
    assert set(f["marks"]) <= {f["doc"]}
    shown = re.fullmatch(r"(\d+) of (\d+) rows shown", f["shown"])
    assert shown and int(shown.group(1)) == len(f["rows"]) and int(shown.group(2)) == counts(db)["flagged"]
    page = measures["docFilters"]  # a document's page: every row of it, "flagged only" leaves the flagged
    n = fetch(db, f"select (select count(*) from standards where doc_id = '{page['doc']}') + "
                  f"(select count(*) from conversion_rates where doc_id = '{page['doc']}') + "
                  f"(select count(*) from facts where doc_id = '{page['doc']}')")[0][0]
    flagged = fetch(db, " + ".join(f"(select count(*) from {t} where doc_id = '{page['doc']}' and len(flags) > 0)"
                                   for t in ("standards", "conversion_rates", "facts")).join(("select ", "")))[0][0]
    assert page["rows"] == n and page["shown"] == f"{n} of {n} rows shown"
    assert set(page["flaggedRows"]) <= {"1"} and len(page["flaggedRows"]) == flagged > 0
    assert page["flaggedShown"] == f"{flagged} of {n} rows shown"


def test_every_row_is_in_the_report_with_its_quote_marked(seen):
    db, _, _, page = seen
    rows = fetch(db, "select standard_id from standards union all select rate_id from conversion_rates "
                     "union all select fact_id from facts")
    for (rid,) in rows:
        assert f'<article class="row" data-row="{escape(rid)}"' in page, rid
        assert f'<mark data-row="{escape(rid)}">' in page, rid


def test_every_flag_set_is_explained_in_the_glossary(seen):
    db, _, _, page = seen
    glossary = yaml.safe_load((ROOT / "schemas" / "flags.yaml").read_text(encoding="utf-8"))
    used = {f for t in ("standards", "conversion_rates", "facts", "units", "numbers")
            for (f,) in fetch(db, f"select distinct unnest(flags) from {t}")}
    assert used, "the corpus should set some flag"
    assert used <= set(glossary), used - set(glossary)
    for name in used:
        assert f'id="flag-{name}"' in page
        assert glossary[name]["meaning"] and glossary[name]["action"]


def test_flagged_rows_carry_a_review_entry_that_loads(seen):
    db, _, _, page = seen
    entries = re.findall(r'<pre class="review-entry">(.*?)</pre>', page, re.S)
    assert len(entries) >= counts(db)["flagged"]
    pasted = "reviews:\n" + "".join(unescape(entry) for entry in entries)  # all of them under one key
    loaded = read_yaml_text(pasted, "reviews.yaml")["reviews"]
    assert len(loaded) == len(entries)
    for review in loaded:
        assert review["decision"] == "confirm" and review["id"]
        assert isinstance(review["quote"], str) and review["quote"]  # the evidence it stays with


def test_every_row_offers_the_review_command_that_records_a_decision_on_it(seen):
    db, _, _, page = seen
    commands = re.findall(r'<pre class="review-command">(.*?)</pre>', page, re.S)
    c = counts(db)
    assert len(commands) >= c["standards"] + c["conversion_rates"] + c["facts"]
    assert all(unescape(cmd).startswith("python -m pipeline review ") and "--confirm" in cmd for cmd in commands)


def test_values_from_the_database_are_escaped(built_db, monkeypatch):
    import pipeline.report as report

    hostile = '<script>alert("x")</script>'
    real = report.report_context

    def with_a_hostile_title(db):
        context = real(db)
        context["documents"][0]["title"] = hostile
        return context

    monkeypatch.setattr(report, "report_context", with_a_hostile_title)
    page = build_report(built_db)
    from markupsafe import escape as template_escape  # Jinja2's own escaping

    assert hostile not in page and str(template_escape(hostile)) in page
    assert page.count("<script") == 1


def test_the_sentence_around_a_quote():
    assert highlight("甲。乙丙丁。戊", 3, 4) == ("乙", "丙", "丁。")
    assert highlight("无句号的文字", 1, 2) == ("无", "句", "号的文字")


def test_axis_ticks_are_round_and_cover_the_top():
    assert nice_ticks(480) == [0, 100, 200, 300, 400, 500]
    assert nice_ticks(7.5)[-1] >= 7.5
    assert nice_ticks(0) == [0.0, 1.0]


def test_values_are_written_as_a_reader_writes_them():
    assert fmt(8.3e10) == "83,000,000,000"
    assert fmt(0.1 + 0.2) == "0.3"
    assert fmt(480.0) == "480" and fmt(None) == "?"


def test_a_flag_missing_from_the_glossary_fails_validation():
    import pandas as pd

    from pipeline.load.checks import make_checks

    check = make_checks({})["flags_explained"]
    rows = pd.DataFrame({"flags": [[], ["ocr_suspect"], ["ocr_suspect", "a_flag_nobody_explained"]]})
    assert check(rows).tolist() == [True, True, False]


SCALE_HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="index" src="report.html" style="width:1400px;height:900px;border:0;display:block"></iframe>
<pre id="out">pending</pre>
<script>
"use strict";
const f = document.getElementById("index");
function painted(w, tries) {  // the paint entry is recorded after the frame's load event, a moment later
  const paint = w.performance.getEntriesByType("paint").find(e => e.name === "first-contentful-paint");
  return paint || tries <= 0 ? Promise.resolve(paint) : new Promise(ok => setTimeout(ok, 50)).then(
    () => painted(w, tries - 1));
}
f.addEventListener("load", () => painted(f.contentWindow, 100).then(paint => {
  const d = f.contentDocument, w = f.contentWindow;
  const select = d.getElementById("f-doc");
  const t0 = w.performance.now();
  select.value = select.options[1].value;
  select.dispatchEvent(new Event("input"));
  const filterMs = w.performance.now() - t0;
  document.getElementById("out").textContent = JSON.stringify({
    firstPaint: paint ? paint.startTime : null, nodes: d.getElementsByTagName("*").length, filterMs,
    rendered: d.body.dataset.rendered || null, documents: d.querySelectorAll("table.documents tbody tr").length});
}));
</script></body></html>"""


def test_a_report_of_1000_documents_stays_small_and_paints_at_once(tmp_path):
    """The index holds the summary, the flags, the charts and a line per document; each document has its own
    page. So a corpus of 1,000 texts gives an index of well under a megabyte that Chromium paints in a moment."""
    from pipeline.build import build

    corpus = tmp_path / "c"
    corpus.mkdir()
    provinces = "湖北 湖南 江西 安徽 河南 河北 山东 山西 陕西 甘肃 四川 云南 贵州 广东 广西 福建 浙江 江苏".split()
    for k in range(1000):
        p, year = provinces[k % len(provinces)], 1953 + k % 8
        (corpus / f"doc_{k:04d}.txt").write_text(
            f"{p}省粮食统购统销暂行办法（第{k}号）\n\n（{year}年{1 + k % 12}月{1 + k % 27}日{p}省人民委员会公布）\n\n"
            f"第一条 农民口粮标准，每人每年{400 + k % 80}斤至{480 + k % 60}斤。\n"
            f"第二条 种子每亩{8 + k % 5}斤，饲料每头耕牛每年{300 + k % 100}斤。\n"
            f"第三条 余粮户按余粮的百分之{80 + k % 10}统购。\n"
            f"第四条 全省共有农户{1000 + k}户，其中缺粮户{100 + k % 50}户。\n", "utf-8")
    db = tmp_path / "db.duckdb"
    build(corpus, db, workers=2)
    index = write_report(db, tmp_path / "report.html")
    pages = sorted((tmp_path / "report").glob("*.html"))
    assert len(pages) == 1000
    assert index.stat().st_size < 1_000_000, index.stat().st_size
    assert max(p.stat().st_size for p in pages) < 100_000
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    assert browser, "the report test needs Chromium: `bash scripts/test.sh` installs Debian's chromium"
    harness = tmp_path / "harness.html"
    harness.write_text(SCALE_HARNESS, encoding="utf-8")
    run = subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          harness.as_uri()], capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert found and found.group(1) != "pending", run.stdout[-1000:]
    seen = json.loads(found.group(1))
    assert seen["rendered"] == "yes" and seen["documents"] == 1000
    assert seen["firstPaint"] is not None and seen["firstPaint"] < 3000, seen
    assert seen["nodes"] < 40_000 and seen["filterMs"] < 200, seen
