"""rjieba (jieba-rs) in place of jieba: the same words, the same tags, every table identical."""
import duckdb
import pytest

from pipeline.build import build
from pipeline.extract.segmenter import dictionary_tags, lexicon, segmenter
from pipeline.load.parts import PER_DOCUMENT
from tests.conftest import CORPUS, REAL

# sentences of our own with what the two engines could read differently: dates and ranges with dashes,
# decimals and percentages, full-width digits, Latin letters, lexicon words, place names, unknown words
SENTENCES = [
    "一九五五年八月二十五日國務院發布，1955-08-25施行。",
    "江苏省吴县每人每年口粮四百八十斤至五百二十斤，统购统销后余粮户交售余粮的百分之八十至九十。",
    "增产3.5%以上，50%-60%的农户，２．５斤，Ａ级稻谷；e-mail与v1.2.3，C++，x_y.z&w#q+1。",
    "第1-2条规定：缺粮户按1954年-1955年的实际需要供应，每户不超过1,234,567斤。",
    "农业生产合作社的公积金和公益金，社员自留地不得超过当地每人平均土地数的百分之五。",
    "據估計，河北、山東兩省今年夏收比去年增加兩成左右，浙江省嘉兴专区的余粮户已卖粮一亿斤。",
    "饲料粮：母猪每头每年二百五十至三百斤，耕牛每头四十至五十斤，鸭子每只五至七斤。",
    "",
    "   ",
]


def test_rjieba_cuts_and_tags_as_jieba_does():
    rust, python = segmenter("rjieba"), segmenter("jieba")
    for text in SENTENCES:
        for hmm in (True, False):
            assert rust.lcut(text, HMM=hmm) == python.lcut(text, HMM=hmm), (text, hmm)
            assert rust.tagged(text, HMM=hmm) == python.tagged(text, HMM=hmm), (text, hmm)


def test_the_tag_table_is_the_one_jieba_posseg_builds():
    import jieba.posseg

    tagger = jieba.posseg.POSTokenizer(segmenter("jieba").tokenizer)
    tagger.makesure_userdict_loaded()
    assert segmenter("jieba").tags == tagger.word_tag_tab
    assert dictionary_tags()["北京"] == "ns"
    assert all(segmenter("jieba").tags[w] == t for w, _, t in lexicon())


def test_an_unknown_engine_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PIPELINE_SEGMENTER", "pkuseg")
    with pytest.raises(ValueError, match="PIPELINE_SEGMENTER='pkuseg': one of rjieba, jieba"):
        segmenter()


# synthetic documents recombining the seeds' articles and paragraphs with their numbers varied: 500 give every
# construct of the seeds many times over; 2,000 took a minute of the suite
SYNTHETIC = 500


def synthetic(folder, n):
    from benchmarks.bench_build import make_corpus

    make_corpus(folder, n, CORPUS)
    return folder


@pytest.mark.parametrize("corpus", ["seeds", "real", "synthetic"])
def test_every_table_is_identical_with_either_engine(corpus, tmp_path, monkeypatch):
    if corpus == "real" and not REAL.is_dir():
        pytest.skip(f"the real period texts are not beside this clone ({REAL}); CI has them")
    folder = {"seeds": CORPUS, "real": REAL}.get(corpus) or synthetic(tmp_path / "c", SYNTHETIC)
    dbs = {}
    for engine in ("rjieba", "jieba"):
        monkeypatch.setenv("PIPELINE_SEGMENTER", engine)  # the worker processes inherit it
        dbs[engine] = tmp_path / engine / "db.duckdb"
        report = build(folder, dbs[engine], workers=2, cache_dir=tmp_path / engine / "cache")
        assert report.processed == report.tables["documents"] > 0
    for table in PER_DOCUMENT:
        q = f"select * from {table} order by all"
        rows = [duckdb.connect(str(db), read_only=True).execute(q).fetchall() for db in dbs.values()]
        assert rows[0] == rows[1], table


def test_word_lists_are_in_one_order_whatever_the_hash_seed():
    """Which rule word a reason names must not change from one process to the next."""
    import subprocess
    import sys

    code = ("from pipeline.extract.roles import _words; from pipeline.extract import numerals; "
            "print(repr(sorted(_words().items())))")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")}
    assert len(seen) == 1
