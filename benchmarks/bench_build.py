"""Benchmark the build against bare jieba, like for like, and the figures a user waits on.

Corpora (made in a temporary folder):
  - synthetic: N documents recombining the articles and report paragraphs the pipeline itself finds in
    a corpus folder (default corpus/), with their numbers varied;
  - copies: M documents, each a copy of one text of corpus/ and ../shared/real/ in turn, made distinct by
    a last line (a byte-identical copy would be skipped);
  - the bundled corpus, corpus/.

In each round, in this order (rounds interleave the runs, so a slow moment of a shared machine falls on
all of them alike):
  - the full build of each corpus, `python -m pipeline build --workers W` in a fresh process with a
    fresh cache, then the same build again with nothing changed;
  - bare jieba on the same files in W processes, started fresh like the build, with jieba's default
    dictionary (`jieba.lcut`) and with the project lexicon (the pipeline's reference segmenter);
  - a build of the first 16 synthetic documents (the fixed cost of a build);
  - `python -m pipeline query "select 1"`.
Printed: medians over the rounds, and ratios: the build's throughput against bare jieba's on the same
files with as many processes (100 % = as fast), the fixed cost, the no-change rebuild against the full
build, the stages of the median build from its report. Not a test: run it by hand.

    python benchmarks/bench_build.py                                   # 2,000 + 1,000 documents, 3 rounds
    python benchmarks/bench_build.py --documents 20000 --copies 0 --rounds 1
    git worktree add /tmp/base 6248baa && python benchmarks/bench_build.py --baseline /tmp/base
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cn2an

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import structure_file  # noqa: E402
from pipeline.errors import InputError  # noqa: E402
from pipeline.files import corpus_files as files_of  # noqa: E402
from pipeline.markers import ARTICLE_RE, ENUM_RE  # noqa: E402

# a Chinese numeral of two characters or more before a measure word: the numbers worth varying
CN_NUMBER = re.compile(r"(?<![第〇零一二三四五六七八九十百千萬万])[一二三四五六七八九十百千]{2,}"
                       r"(?=[斤兩两畝亩個个戶户])")


def pools(source: Path) -> tuple[list[str], list[str]]:
    """Article bodies (marker removed) and report paragraphs of the texts in `source`, as written."""
    articles, paragraphs = [], []
    for path in files_of(source):
        try:
            sd = structure_file(path)
        except InputError:
            continue
        nd = sd.normalized
        for unit in sd.units:
            if unit.language != "zh":
                continue
            a, b = nd.original_span(unit.start, unit.end)
            text = nd.source.text[a:b].strip()
            if unit.kind == "article":
                marker = ARTICLE_RE.match(text) or ENUM_RE.match(text)
                articles.append(text[marker.end():].strip() if marker else text)
            elif unit.kind in ("paragraph", "preamble") and sd.enclosing(unit.unit_id, "article") is None:
                paragraphs.append(text)  # a paragraph outside any article: report prose
    if not articles or not paragraphs:
        sys.exit(f"{source}: the benchmark needs texts with articles and texts with report paragraphs")
    return articles, paragraphs


def vary(text: str, rng: random.Random) -> str:
    return CN_NUMBER.sub(lambda m: cn2an.an2cn(rng.randint(2, 99999), "low"), text)


def make_corpus(folder: Path, n: int, source: Path, seed: int = 1955) -> int:
    """`n` documents, two regulations for every report; returns their size in bytes."""
    rng = random.Random(seed)
    articles, paragraphs = pools(source)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for k in range(n):
        if k % 3 == 2:
            body = "\n".join(vary(p, rng) for p in rng.sample(paragraphs, k=min(4, len(paragraphs))))
            text = f"某地區農業合作化進展報告之{k}\n{1954 + k % 4}年{1 + k % 12}月{1 + k % 28}日\n{body}\n"
        else:
            chosen = rng.sample(articles, k=rng.randint(min(8, len(articles)), min(20, len(articles))))
            body = "\n\n".join(f"第{cn2an.an2cn(i + 1, 'low')}條 {vary(a, rng)}" for i, a in enumerate(chosen))
            text = f"某省農村糧食統購統銷實施細則之{k}\n\n{1955 + k % 3}年{1 + k % 12}月{1 + k % 28}日\n\n{body}\n"
        data = text.encode("utf-8")
        (folder / f"doc_{k:06d}.txt").write_bytes(data)
        total += len(data)
    return total


REAL = ROOT.parent / "shared" / "real"
FIXED_COST_DOCUMENTS = 16


def make_copies(folder: Path, n: int, sources: list[Path]) -> int:
    """`n` documents, each a copy of one text of `sources` in turn (as UTF-8, with its sidecar), made
    distinct by a last line; returns their size in bytes."""
    from pipeline.files import sidecar_path
    from pipeline.ingest.encoding import decode

    texts = [p for source in sources if source.is_dir() for p in files_of(source)]
    if not texts:
        sys.exit("no text to copy")
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for k in range(n):
        source = texts[k % len(texts)]
        text, _ = decode(source.read_bytes(), source.name)
        data = f"{text.rstrip()}\n\n（副本{k}）\n".encode()
        target = folder / f"copy_{k:06d}_{source.stem}.txt"
        target.write_bytes(data)
        if sidecar_path(source).exists():
            shutil.copyfile(sidecar_path(source), sidecar_path(target))
        total += len(data)
    return total


def wall(cmd: list[str], checkout: Path = ROOT) -> float:
    """Wall seconds of `cmd` run from `checkout` (`python -m pipeline` then runs that checkout's code)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=checkout, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def build_cmd(corpus: Path, db: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db), "--workers",
            str(workers)]


def _bare_worker(engine: str, paths: list[str]) -> int:
    if engine == "default":
        import jieba

        jieba.setLogLevel(60)
        cut = jieba.lcut
    else:
        from pipeline.extract.segmenter import segmenter

        cut = segmenter("jieba").lcut
    return sum(len(cut(Path(p).read_text("utf-8"))) for p in paths)


def bare_jieba(engine: str, folder: Path, workers: int) -> None:
    """Segment every file of `folder` whole in `workers` processes (files shared out by size)."""
    from concurrent.futures import ProcessPoolExecutor

    shares: list[list[str]] = [[] for _ in range(workers)]
    sizes = [0] * workers
    for p in sorted(folder.glob("*.txt"), key=lambda p: -p.stat().st_size):
        k = sizes.index(min(sizes))
        shares[k].append(str(p))
        sizes[k] += p.stat().st_size
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_bare_worker, [engine] * workers, shares))


def bare_cmd(engine: str, folder: Path, workers: int) -> list[str]:
    return [sys.executable, __file__, "--bare", engine, "--corpus", str(folder), "--workers", str(workers)]


def run_rounds(corpora: dict[str, tuple[Path, float]], workers: int, rounds: int, workdir: Path,
               baseline: Path | None = None) -> dict:
    """Every timing of every round, by name (`base:` names: the same runs of the `baseline` checkout)."""
    times: dict[str, list[float]] = {}
    reports: dict[str, list[dict]] = {}
    checkouts = {"": ROOT} | ({"base:": baseline} if baseline else {})

    def note(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    for r in range(rounds):
        for name, (folder, _) in corpora.items():
            for tag, checkout in checkouts.items():
                db = workdir / f"{tag.rstrip(':')}{name}_{r}" / "corpus.duckdb"
                note(f"{tag}{name}/full", wall(build_cmd(folder, db, workers), checkout))
                if not tag:
                    reports.setdefault(name, []).append(
                        json.loads((db.parent / "corpus.build_report.json").read_text("utf-8")))
                note(f"{tag}{name}/no-change", wall(build_cmd(folder, db, workers), checkout))
            if name != "bundled":
                for engine in ("default", "lexicon"):
                    note(f"{name}/jieba-{engine}", wall(bare_cmd(engine, folder, workers)))
        for tag, checkout in checkouts.items():
            if "synthetic" in corpora:
                small = workdir / "fixed"
                db = workdir / f"{tag.rstrip(':')}fixed_{r}" / "corpus.duckdb"
                note(f"{tag}fixed", wall(build_cmd(small, db, workers), checkout))
            db = workdir / f"{tag.rstrip(':')}{next(iter(corpora))}_0" / "corpus.duckdb"
            for _ in range(5):
                note(f"{tag}query", wall([sys.executable, "-m", "pipeline", "query", "select 1", "--db", str(db)],
                                         checkout))
        for _ in range(5):  # the floor under any command: the interpreter, and DuckDB's import
            note("python", wall([sys.executable, "-c", "pass"]))
            note("duckdb", wall([sys.executable, "-c", "import duckdb"]))
    return {"times": times, "reports": reports}


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def show(corpora: dict[str, tuple[Path, float]], result: dict, workers: int, rounds: int) -> None:
    t, reports = result["times"], result["reports"]
    print(f"== {workers} worker processes; {rounds} rounds, runs interleaved; medians (min–max)")

    def line(label: str, xs: list[float], extra: str = "") -> None:
        print(f"  {label:<44} {median(xs):7.2f} s ({min(xs):.2f}–{max(xs):.2f}){extra}")

    for name, (folder, mb) in corpora.items():
        n = len(files_of(folder))
        full = median(t[f"{name}/full"])
        print(f"-- {name}: {n:,} documents, {mb:,.1f} MB")
        line("full build", t[f"{name}/full"], f"   {mb / full:.3f} MB/s, {mb / full / workers:.3f} MB/s per core")
        if f"base:{name}/full" in t:
            base = median(t[f"base:{name}/full"])
            line("full build, baseline checkout", t[f"base:{name}/full"],
                 f"   now {100 * full / base:.0f} % of its time")
        for engine in ("default", "lexicon"):
            key = f"{name}/jieba-{engine}"
            if key in t:
                ratio = median(t[key]) / full
                line(f"bare jieba ({engine} dictionary), same files", t[key],
                     f"   build per core / jieba per core = {100 * ratio:.0f} % (goal ≥ 100 %)")
        nc = median(t[f"{name}/no-change"])
        line("no-change rebuild", t[f"{name}/no-change"], f"   {100 * nc / full:.1f} % of the full build"
             + (" (goal ≤ 5 %)" if name == "bundled" else ""))
        if f"base:{name}/no-change" in t:
            base_nc, base = median(t[f"base:{name}/no-change"]), median(t[f"base:{name}/full"])
            line("no-change rebuild, baseline checkout", t[f"base:{name}/no-change"],
                 f"   {100 * base_nc / base:.1f} % of its full build")
        rep = sorted(reports[name], key=lambda r: r["timings"].get("documents_s", 0))[len(reports[name]) // 2]
        tm = rep["timings"]
        cpu = {k: tm.get(k, 0.0) for k in ("worker_startup_s", "read_normalize_structure_s", "extract_s",
                                           "validate_write_s")}
        busy = sum(cpu.values()) or 1.0
        print("     worker seconds (summed over workers): "
              + ", ".join(f"{k[:-2]} {v:.1f} s ({100 * v / busy:.0f} %)" for k, v in cpu.items()))
        mem = rep.get("peak_memory_mb", {})
        print(f"     wall: documents {tm.get('documents_s', 0):.1f} s, database load {tm.get('load_s', 0):.1f} s; "
              f"peak memory: main {mem.get('main', 0):,.0f} MB, largest worker {mem.get('largest_worker', 0):,.0f} MB")
    if "fixed" in t and "synthetic/full" in t:
        ratio = median(t["fixed"]) / median(t["synthetic/full"])
        n = len(files_of(corpora["synthetic"][0]))
        line(f"build of {FIXED_COST_DOCUMENTS} documents", t["fixed"],
             f"   {ratio:.2f} of the {n:,}-document build (goal ≤ 0.10)")
    if "base:fixed" in t:
        line(f"build of {FIXED_COST_DOCUMENTS} documents, baseline checkout", t["base:fixed"],
             f"   {median(t['base:fixed']) / median(t['base:synthetic/full']):.2f} of its "
             f"{len(files_of(corpora['synthetic'][0])):,}-document build")
    line('query "select 1"', t["query"], "   (goal ≤ 0.25 s)")
    if "base:query" in t:
        line('query "select 1", baseline checkout', t["base:query"])
    line("python -c pass (the floor of any command)", t["python"])
    line('python -c "import duckdb"', t["duckdb"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=2_000, help="synthetic documents (0: none)")
    ap.add_argument("--copies", type=int, default=1_000, help="documents copied from corpus/ and the real texts")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--source", type=Path, default=ROOT / "corpus", help="corpus whose texts are recombined")
    ap.add_argument("--real", type=Path, default=REAL, help="real period texts to copy from")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the corpora and databases here")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="another checkout (git worktree) whose builds run interleaved with this one's")
    ap.add_argument("--bare", choices=["default", "lexicon"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.bare:
        bare_jieba(a.bare, a.corpus, a.workers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = a.workdir or Path(tmp)
        corpora: dict[str, tuple[Path, float]] = {}
        if a.documents:
            mb = make_corpus(workdir / "synthetic", a.documents, a.source) / 1e6
            corpora["synthetic"] = (workdir / "synthetic", mb)
            make_corpus(workdir / "fixed", FIXED_COST_DOCUMENTS, a.source)
        if a.copies:
            mb = make_copies(workdir / "copies", a.copies, [ROOT / "corpus", a.real]) / 1e6
            corpora["copies"] = (workdir / "copies", mb)
        bundled = ROOT / "corpus"
        corpora["bundled"] = (bundled, sum(p.stat().st_size for p in files_of(bundled)) / 1e6)
        result = run_rounds(corpora, a.workers, a.rounds, workdir, a.baseline)
        show(corpora, result, a.workers, a.rounds)


if __name__ == "__main__":
    main()
