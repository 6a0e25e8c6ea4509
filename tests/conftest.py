"""Shared fixtures: the bundled corpus, its variants, built databases, the gold scorer."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import opencc
import pytest

from pipeline.build import build

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.yaml" if (SHARED / "gold" / "seeds.yaml").exists() else ROOT / "tests/gold/seeds.yaml"
SCORER = (SHARED / "tools" / "score_gold.py" if (SHARED / "tools" / "score_gold.py").exists()
          else ROOT / "tests/gold/score_gold.py")
WIKISOURCE_SEED = "003_b69152d1adbf7c19.txt"
REAL = SHARED / "real"  # real period texts, read in place (never copied into the repository)
REAL_GOLD = SHARED / "gold" / "real.yaml"
needs_real_texts = pytest.mark.skipif(
    not (REAL.is_dir() and REAL_GOLD.exists()),
    reason=f"the real period texts and their gold are not beside this clone ({REAL}); CI has them")


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_gold", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(db: Path, gold: Path = GOLD) -> dict[str, str]:
    """The scorer's counts ('hit/total') per measure."""
    return load_scorer().score(str(db), str(gold), out=lambda *_: None)["counts"]


def copy_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in CORPUS.iterdir():
        if f.is_file():
            shutil.copy(f, dest / f.name)
    if (CORPUS / "errata").is_dir():
        shutil.copytree(CORPUS / "errata", dest / "errata", dirs_exist_ok=True)
    return dest


def rewrap(text: str, width: int) -> str:
    """Hard-wrap every line longer than `width` and end lines with CRLF."""
    out = []
    for line in text.split("\n"):
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\r\n".join(out)


def variant_bytes(kind: str, text: str) -> bytes:
    if kind == "simplified":
        return opencc.OpenCC("t2s").convert(text).encode("utf-8")
    if kind == "gb18030":
        return text.encode("gb18030")
    if kind == "big5":
        return text.encode("big5")
    if kind.startswith("rewrap"):
        return rewrap(text, int(kind.removeprefix("rewrap"))).encode("utf-8")
    if kind == "joined_crlf":  # wrap spaces joined and CRLF line ends: the rows of crop names run together
        joined = "\n".join(_join_spaced_names(line) for line in text.split("\n"))
        return joined.replace("\n", "\r\n").encode("utf-8")
    raise ValueError(kind)


def _join_spaced_names(line: str) -> str:
    """大 麥 大 豆 … → 大麥大豆…: a line of single characters apart by spaces, joined."""
    tokens = line.split()
    return "".join(tokens) if len(tokens) > 4 and all(len(t) == 1 and not t.isdigit() for t in tokens) else line


VARIANTS = ["simplified", "gb18030", "big5", "rewrap30", "rewrap41", "joined_crlf"]


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The bundled corpus, built once for the session."""
    db = tmp_path_factory.mktemp("db") / "corpus.duckdb"
    build(CORPUS, db)
    return db


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """The real period texts of ../shared/real, built in place once for the session."""
    if not (REAL.is_dir() and REAL_GOLD.exists()):
        pytest.skip(f"the real period texts are not beside this clone ({REAL}); CI has them")
    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    build(REAL, db)
    return db


@pytest.fixture(scope="session")
def variant_dbs(tmp_path_factory) -> dict[str, Path]:
    """The corpus with the Wikisource seed replaced by each variant, built."""
    out = {}
    original = (CORPUS / WIKISOURCE_SEED).read_text(encoding="utf-8")
    for kind in VARIANTS:
        corpus = copy_corpus(tmp_path_factory.mktemp(f"corpus_{kind}"))
        (corpus / WIKISOURCE_SEED).write_bytes(variant_bytes(kind, original))
        db = corpus.parent / f"{kind}.duckdb"
        build(corpus, db)
        out[kind] = db
    return out
