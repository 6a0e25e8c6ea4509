"""Benchmark the build over a synthetic corpus made from the bundled texts.

Makes N documents by recombining the articles and paragraphs of the bundled
texts with varied numbers, builds them, and prints documents and megabytes
per second, time per stage, peak memory, the no-change rebuild time as a
fraction of the full build, and — on the same text, in the same run — the
throughput of bare jieba segmentation, so the pipeline's cost over its
tokenizer shows as a ratio. Not a test: run it by hand.

    python benchmarks/bench_build.py                  # 20,000 documents
    python benchmarks/bench_build.py --documents 2000 --workers 2 --linearity
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import cn2an

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import build  # noqa: E402
from pipeline.extract.nlp import tokenizer  # noqa: E402

CN_NUMBER = re.compile(r"(?<![第〇零一二三四五六七八九十百千萬万])[一二三四五六七八九十百千]{2,}"
                       r"(?=[斤兩两畝亩個个戶户])")
ARTICLE = re.compile(r"\n(?=第[一二三四五六七八九十]+條)")


def pools() -> tuple[list[str], list[str]]:
    """Article paragraphs (from the regulation) and report paragraphs (from the news page)."""
    rules = (ROOT / "corpus" / "003_b69152d1adbf7c19.txt").read_text("utf-8")
    body = rules.split("發布機關:江西省人民委員會", 1)[1].split("本作品來自", 1)[0]
    articles = [re.sub(r"^第[一二三四五六七八九十]+條\s*", "", b.strip()) for b in ARTICLE.split(body)
                if b.strip().startswith("第") and "條" in b[:6]]
    news = (ROOT / "corpus" / "000_7c73fe4ff602b772.txt").read_text("utf-8").split("专栏：", 1)[1]
    paragraphs = [line for line in news.splitlines() if len(line.strip()) > 40]
    return articles, paragraphs


def vary(text: str, rng: random.Random) -> str:
    return CN_NUMBER.sub(lambda m: cn2an.an2cn(rng.randint(2, 99999), "low"), text)


def make_corpus(folder: Path, n: int, seed: int = 1955) -> int:
    rng = random.Random(seed)
    articles, paragraphs = pools()
    total = 0
    for k in range(n):
        if k % 3 == 2:  # a report
            body = "\n".join(vary(p, rng) for p in rng.sample(paragraphs, k=min(4, len(paragraphs))))
            text = f"某地區農業合作化進展報告之{k}\n{1954 + k % 4}年{1 + k % 12}月{1 + k % 28}日\n{body}\n"
        else:  # a regulation
            chosen = rng.sample(articles, k=rng.randint(8, min(20, len(articles))))
            body = "\n\n".join(f"第{cn2an.an2cn(i + 1, 'low')}條 {vary(a, rng)}" for i, a in enumerate(chosen))
            text = f"某省農村糧食統購統銷實施細則之{k}\n\n{1955 + k % 3}年{1 + k % 12}月{1 + k % 28}日\n\n{body}\n"
        data = text.encode("utf-8")
        (folder / f"doc_{k:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def bare_jieba(folder: Path) -> tuple[float, int]:
    tok = tokenizer()
    texts = [p.read_text("utf-8") for p in sorted(folder.glob("*.txt"))]
    size = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    for t in texts:
        tok.lcut(t)
    return time.perf_counter() - t0, size


def run(n: int, workers: int, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        size = make_corpus(corpus, n)
        db = Path(tmp) / "out" / "corpus.duckdb"
        t0 = time.perf_counter()
        report = build(corpus, db, workers=workers)
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = build(corpus, db, workers=workers)
        rebuild = time.perf_counter() - t0
        jieba_s, jieba_bytes = bare_jieba(corpus)
        if keep:
            shutil.copy(db, keep)
        return {"n": n, "bytes": size, "full_s": full, "rebuild_s": rebuild, "report": report,
                "rebuild_cached": again.cached, "jieba_s": jieba_s, "jieba_bytes": jieba_bytes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--linearity", action="store_true", help="also build a quarter of the corpus and compare")
    ap.add_argument("--keep", type=Path, default=None, help="copy the built database here")
    a = ap.parse_args()
    sizes = [max(a.documents // 4, 1), a.documents] if a.linearity else [a.documents]
    for n in sizes:
        r = run(n, a.workers, a.keep)
        rep = r["report"]
        mb = r["bytes"] / 1e6
        print(f"== {n:,} documents, {mb:,.1f} MB, {a.workers} worker(s)")
        print(f"full build: {r['full_s']:.1f} s — {n / r['full_s']:,.1f} documents/s, {mb / r['full_s']:.3f} MB/s "
              f"({mb / r['full_s'] / a.workers:.3f} MB/s per core); {rep.tables.get('standards', 0):,} standards, "
              f"{rep.tables.get('facts', 0):,} facts")
        stages = ", ".join(f"{k} {v:,.1f} s" for k, v in rep.timings.items())
        print(f"stages (summed over workers): {stages}")
        print(f"no-change rebuild: {r['rebuild_s']:.1f} s = {100 * r['rebuild_s'] / r['full_s']:.1f} % of the full "
              f"build ({r['rebuild_cached']:,} documents from the cache)")
        jieba_rate = r["jieba_bytes"] / 1e6 / r["jieba_s"]
        per_core = mb / r["full_s"] / a.workers
        print(f"bare jieba (lcut, one process, same text): {jieba_rate:.3f} MB/s; pipeline per core / jieba = "
              f"{100 * per_core / jieba_rate:.0f} %")
        print(f"peak memory: main process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB, "
              f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
