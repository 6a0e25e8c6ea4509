"""Benchmark the build over a synthetic corpus made from the bundled texts.

Makes N documents by recombining the articles and report paragraphs that the
pipeline itself finds in a corpus folder (default: corpus/), with their numbers
varied. Builds them as a user would, `python -m pipeline build` in a fresh
process; rebuilds without changes; and segments the same files with bare jieba
(the pipeline's own jieba, with its lexicon, one process). Prints documents and
megabytes per second, time per stage, peak memory of the build's main process
and largest worker, the no-change rebuild time as a share of the full build,
and the build's throughput per core as a share of bare jieba's. With
--linearity the same is done for a quarter and a half of N, each size in its
own processes, to show whether time and memory grow linearly. Not a test: run
it by hand.

    python benchmarks/bench_build.py                                  # 20,000 documents
    python benchmarks/bench_build.py --documents 4000 --linearity --workers 2
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cn2an

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import corpus_files, process  # noqa: E402
from pipeline.errors import InputError  # noqa: E402
from pipeline.extract.nlp import tokenizer  # noqa: E402
from pipeline.markers import ARTICLE_RE, ENUM_RE  # noqa: E402

# a Chinese numeral of two characters or more before a measure word: the numbers worth varying
CN_NUMBER = re.compile(r"(?<![第〇零一二三四五六七八九十百千萬万])[一二三四五六七八九十百千]{2,}"
                       r"(?=[斤兩两畝亩個个戶户])")


def pools(source: Path) -> tuple[list[str], list[str]]:
    """Article bodies (marker removed) and report paragraphs of the texts in `source`, as written."""
    articles, paragraphs = [], []
    for path in corpus_files(source):
        try:
            sd = process(path)
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


def cli_build(corpus: Path, db: Path, workers: int) -> tuple[float, dict]:
    """Wall seconds of `python -m pipeline build`, and the build report it wrote."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(corpus), "--db", str(db),
                    "--workers", str(workers)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    return seconds, json.loads((db.parent / "build_report.json").read_text("utf-8"))


def bare_jieba(folder: Path) -> float:
    """Megabytes per second of the pipeline's jieba segmenting every file of `folder` whole, one process."""
    tok = tokenizer()
    tok.lcut("预热")  # load the dictionary outside the timing
    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]
    t0 = time.perf_counter()
    for t in texts:
        tok.lcut(t)
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6 / (time.perf_counter() - t0)


def measure(n: int, workers: int, source: Path, workdir: Path) -> dict:
    corpus, db = workdir / f"corpus_{n}", workdir / f"out_{n}" / "corpus.duckdb"
    size = make_corpus(corpus, n, source)
    full_s, report = cli_build(corpus, db, workers)
    rebuild_s, again = cli_build(corpus, db, workers)
    return {"n": n, "mb": size / 1e6, "full_s": full_s, "rebuild_s": rebuild_s, "report": report,
            "rebuild_cached": again["cached"], "jieba_mb_s": bare_jieba(corpus)}


def show(r: dict, workers: int) -> None:
    rep, mb = r["report"], r["mb"]
    per_core = mb / r["full_s"] / workers
    t = rep["timings"]
    print(f"== {r['n']:,} documents, {mb:,.1f} MB, {rep['workers']} worker process(es) on {workers} core(s)")
    print(f"full build: {r['full_s']:.1f} s = {r['n'] / r['full_s']:,.0f} documents/s, {mb / r['full_s']:.3f} MB/s, "
          f"{per_core:.3f} MB/s per core; {rep['tables'].get('standards', 0):,} standards, "
          f"{rep['tables'].get('facts', 0):,} facts")
    cpu = {k: v for k, v in t.items() if k in ("read_normalize_structure_s", "extract_s", "validate_write_s")}
    busy = sum(cpu.values())
    print("  per document (CPU seconds summed over workers): "
          + ", ".join(f"{k[:-2]} {v:,.1f} s ({100 * v / busy:.0f} %)" for k, v in cpu.items()))
    print(f"  wall: cache look-up {t.get('cache_lookup_s', 0):.1f} s, documents {t.get('documents_s', 0):.1f} s, "
          f"database load {t.get('load_s', 0):.1f} s, start-up and the rest "
          f"{r['full_s'] - t.get('documents_s', 0) - t.get('load_s', 0):.1f} s")
    mem = rep.get("peak_memory_mb", {})
    print(f"  peak memory: main process {mem.get('main', 0):,.0f} MB, largest worker "
          f"{mem.get('largest_worker', 0):,.0f} MB")
    print(f"no-change rebuild: {r['rebuild_s']:.1f} s = {100 * r['rebuild_s'] / r['full_s']:.1f} % of the full build "
          f"({r['rebuild_cached']:,} documents from the cache)")
    print(f"bare jieba (lcut, one process, same files): {r['jieba_mb_s']:.3f} MB/s; build per core / bare jieba = "
          f"{100 * per_core / r['jieba_mb_s']:.0f} %")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--linearity", action="store_true", help="also measure a quarter and a half of the documents")
    ap.add_argument("--source", type=Path, default=ROOT / "corpus", help="corpus whose texts are recombined")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the corpora and databases here")
    a = ap.parse_args()
    sizes = [max(a.documents // 4, 1), max(a.documents // 2, 1), a.documents] if a.linearity else [a.documents]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = a.workdir or Path(tmp)
        results = []
        for n in sizes:
            results.append(measure(n, a.workers, a.source, workdir))
            show(results[-1], a.workers)
    if len(results) > 1:
        print("== linearity (seconds per 1,000 documents; peak MB of main process / largest worker)")
        for r in results:
            mem = r["report"].get("peak_memory_mb", {})
            print(f"  {r['n']:>8,}: {1000 * r['full_s'] / r['n']:6.2f} s   "
                  f"{mem.get('main', 0):6,.0f} / {mem.get('largest_worker', 0):,.0f} MB")


if __name__ == "__main__":
    main()
