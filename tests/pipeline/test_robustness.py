"""Faults and fuzz: killed builds, and inputs no reader should crash on."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.extract.numerals import find_numbers
from pipeline.extract.quantities import build_quantities
from pipeline.ingest.encoding import decode
from pipeline.ingest.layouts import choose
from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.load.parts import PER_DOCUMENT
from pipeline.normalize import normalize
from pipeline.structure import structure
from tests.conftest import ROOT, copy_corpus

CHARS = st.sampled_from(list("第一二三四五六七八九十百千萬两章條条款（）()、，。；：註 \n\r\t斤兩畝分%０１２3４.-"
                             "至到多近以上下 農村糧食口糧標準每人每年百分之"
                             "Title:Date:<hr />Original:###維基文庫發布機關abc"))
TEXTS = st.text(CHARS, max_size=300)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=400))
def test_decoding_arbitrary_bytes_returns_text_or_a_named_error(data):
    try:
        text, encoding = decode(data, "f.txt")
    except InputError as exc:
        assert exc.code in ("E101", "E102", "E103") and str(exc).startswith("f.txt")
    else:
        assert isinstance(text, str) and encoding


@FUZZ
@given(TEXTS)
def test_readers_normalizer_and_structure_never_crash(text):
    if not text.strip():
        return
    reader = choose(text)
    layout = reader.read(text)
    for r in layout.regions:
        assert 0 <= r.start <= r.end <= len(text)
    doc = SourceDocument("d", "d.txt", text, "utf-8", reader.name, layout.regions, layout.metadata, "0" * 64)
    sd = structure(normalize(doc))
    nd = sd.normalized
    for u in sd.units:
        a, b = nd.original_span(u.start, u.end)
        assert 0 <= a <= b <= len(text)
    for ref in sd.cross_references:
        assert 0 <= ref.start <= ref.end <= len(nd.text)


@FUZZ
@given(TEXTS)
def test_numeral_and_quantity_scanners_keep_spans_inside(text):
    numbers = find_numbers(text)
    for n in numbers:
        assert 0 <= n.start < n.end <= len(text)
    for q in build_quantities(text, numbers):
        assert 0 <= q.start < q.end <= len(text)
        assert q.value_min is not None or q.value_max is not None


def test_body_only_text_builds(tmp_path):
    doc = SourceDocument("d", "d.txt", "口糧標準每人每年四百斤。", "utf-8", "plain",
                         [Region("body", 0, 12)], Metadata(), "0" * 64)
    assert structure(normalize(doc)).units


def add_variants(corpus: Path, n: int) -> Path:
    """`n` distinct copies of a period text in `corpus`, each naming another province."""
    text = (ROOT / "tests/data/period/hubei_rules_1955.txt").read_text("utf-8")
    for k in range(n):
        (corpus / f"copy_{k:02d}.txt").write_text(text.replace("湖北", f"第{k}號"), "utf-8")
    return corpus


def test_a_build_killed_midway_leaves_database_and_cache_usable(tmp_path, built_db):
    corpus = add_variants(copy_corpus(tmp_path / "c"), 40)  # enough work to be interrupted
    db = tmp_path / "out" / "db.duckdb"
    db.parent.mkdir()
    db.write_bytes(built_db.read_bytes())
    before = db.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db),
                             "--workers", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cache = db.parent / ".cache" / "documents"
    deadline = time.time() + 60
    while time.time() < deadline and not ((cache / "docs").exists() and any((cache / "docs").iterdir())):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert db.read_bytes() == before  # the previous database, untouched
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from documents").fetchall() == [(3,)]
    con.close()
    for summary in (cache / "docs").glob("*.json"):  # every cached document points at a complete batch
        batch = json.loads(summary.read_text("utf-8"))["batch"]
        assert not Path(batch).is_absolute()  # relative to the cache: a build may run from any folder
        assert all((cache / batch / f"{t}.parquet").exists() for t in PER_DOCUMENT)
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from documents").fetchall() == [(43,)]


def test_no_change_rebuild_reads_everything_from_the_cache(tmp_path):
    from pipeline.build import build

    corpus = copy_corpus(tmp_path / "c")
    first = build(corpus, tmp_path / "db.duckdb")
    assert (first.processed, first.cached) == (3, 0)
    again = build(corpus, tmp_path / "db.duckdb")
    assert (again.processed, again.cached) == (0, 3)
    seed = corpus / "002_f63fa80ed67a2d57.txt"
    seed.write_text(seed.read_text("utf-8") + "\n", "utf-8")
    third = build(corpus, tmp_path / "db.duckdb")
    assert (third.processed, third.cached) == (1, 2)
    assert third.tables == first.tables


def test_a_rebuild_with_nothing_changed_leaves_the_database_alone(tmp_path):
    from pipeline.build import build

    corpus, db = copy_corpus(tmp_path / "c"), tmp_path / "out" / "db.duckdb"
    first = build(corpus, db)
    assert not first.up_to_date
    seed = "002_f63fa80ed67a2d57"
    changes = {
        "an erratum edited": lambda: (corpus / "errata" / "003_jiangxi_conversion_table.yaml").write_text(
            (corpus / "errata" / "003_jiangxi_conversion_table.yaml").read_text("utf-8") + "\n# checked\n", "utf-8"),
        "a malformed errata file": lambda: (corpus / "errata" / "zz_bad.yaml").write_text("nonsense: 1\n", "utf-8"),
        "a review file": lambda: (corpus / "reviews").mkdir() or (corpus / "reviews" / "r.yaml").write_text(
            "reviews: []\n", "utf-8"),
        "a sidecar": lambda: (corpus / f"{seed}.meta.yaml").write_text("issuer: 国务院\n", "utf-8"),
        "an unreadable file": lambda: (corpus / "empty.txt").write_bytes(b""),
        "a document edited": lambda: (corpus / f"{seed}.txt").write_text(
            (corpus / f"{seed}.txt").read_text("utf-8") + "\n", "utf-8"),
    }
    for what, change in changes.items():
        before, stamp = db.read_bytes(), db.stat().st_mtime_ns
        again = build(corpus, db)
        assert again.up_to_date, what
        assert db.read_bytes() == before and db.stat().st_mtime_ns == stamp, what
        change()
        changed = build(corpus, db)
        assert not changed.up_to_date, what
        assert db.stat().st_mtime_ns != stamp, what
    # what the last real build reported is reported again when nothing changed
    again = build(corpus, db)
    assert again.up_to_date and again.tables == changed.tables
    assert [i.source_file for i in again.skipped] == ["empty.txt"]
    assert sorted((i.stage, i.code) for i in again.issues) == sorted((i.stage, i.code) for i in changed.issues)
    assert any(i.stage == "errata" for i in again.issues)
    assert not build(corpus, db, force=True).up_to_date


def test_parallel_build_equals_serial_build(tmp_path):
    from pipeline.build import PARALLEL_FROM, build

    corpus = add_variants(copy_corpus(tmp_path / "c"), PARALLEL_FROM)
    serial = build(corpus, tmp_path / "serial.duckdb", workers=1)
    parallel = build(corpus, tmp_path / "parallel.duckdb", workers=2, cache_dir=tmp_path / "other-cache")
    assert (serial.workers, parallel.workers) == (1, 2)
    assert (serial.executor, parallel.executor) == ("this process", "process pool")
    assert serial.tables == parallel.tables
    assert serial.tables["documents"] == PARALLEL_FROM + 3
    for table in PER_DOCUMENT:
        q = f"select * from {table} order by all"
        a = duckdb.connect(str(tmp_path / "serial.duckdb"), read_only=True).execute(q).fetchall()
        b = duckdb.connect(str(tmp_path / "parallel.duckdb"), read_only=True).execute(q).fetchall()
        assert a == b, table


@given(st.integers(0, 100_000), st.integers(1, 64))
def test_batches_keep_every_worker_busy_and_stay_bounded(documents, workers):
    from pipeline.build import BATCH_MAX, BATCHES_PER_WORKER, split_batches
    from pipeline.build.runner import BATCH_MIN

    items = list(range(documents))
    batches = split_batches(items, workers)
    assert [i for b in batches for i in b] == items  # every document once, in order
    # every worker busy; as many batches as progress wants where they hold BATCH_MIN documents; none larger than
    # BATCH_MAX; no more batches than BATCH_MIN documents each make, unless a worker would be left idle
    assert len(batches) >= min(documents, workers, BATCHES_PER_WORKER * workers) and BATCHES_PER_WORKER >= 2
    assert len(batches) >= min(BATCHES_PER_WORKER * workers, documents // BATCH_MIN)
    sizes = [len(b) for b in batches]
    assert all(1 <= n <= BATCH_MAX for n in sizes)
    assert len(batches) <= max(workers, -(-documents // BATCH_MIN), -(-documents // BATCH_MAX))
    assert not sizes or max(sizes) - min(sizes) <= 1


def test_a_dask_cluster_builds_what_local_workers_build(tmp_path):
    """`build --dask local`: the per-document stage on a local Dask cluster of two worker processes."""
    from pipeline.build import PARALLEL_FROM, build

    corpus = add_variants(copy_corpus(tmp_path / "c"), PARALLEL_FROM)
    local = build(corpus, tmp_path / "local" / "db.duckdb", workers=2)
    db = tmp_path / "dask" / "db.duckdb"
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db),
                          "--dask", "local", "--workers", "2"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    on_dask = json.loads((db.parent / "db.build_report.json").read_text("utf-8"))
    assert (on_dask["processed"], on_dask["workers"]) == (PARALLEL_FROM + 3, 2)
    assert on_dask["executor"].startswith("distributed.") and local.executor == "process pool"
    assert on_dask["tables"] == local.tables
    for table in PER_DOCUMENT:
        q = f"select * from {table} order by all"
        a = duckdb.connect(str(tmp_path / "local" / "db.duckdb"), read_only=True).execute(q).fetchall()
        b = duckdb.connect(str(db), read_only=True).execute(q).fetchall()
        assert a == b, table


def test_an_unreachable_dask_scheduler_is_a_clear_error():
    from pipeline.cluster import dask_executor
    from pipeline.errors import PipelineError

    with pytest.raises(PipelineError) as exc:
        with dask_executor("tcp://127.0.0.1:9", timeout="1s"):
            pass
    assert exc.value.code == "E210" and "tcp://127.0.0.1:9" in str(exc.value)


def test_building_on_dask_without_dask_installed_says_how_to_install_it(monkeypatch):
    from pipeline.cluster import dask_executor
    from pipeline.errors import PipelineError

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(PipelineError) as exc:
        with dask_executor("local"):
            pass
    assert exc.value.code == "E209" and "pip install -e '.[dask]'" in str(exc.value)
