import codecs

import pytest

from pipeline.errors import InputError
from pipeline.ingest.encoding import decode

TRAD = "第九條 農戶用糧量（稻穀），一般應包括種籽、口糧、飼料三項，各項留糧標準由各縣人民委員會訂定。" * 3
SIMP = "第九条 农户用粮量（稻谷），一般应包括种籽、口粮、饲料三项，各项留粮标准由各县人民委员会订定。" * 3


@pytest.mark.parametrize(
    "data, expected",
    [
        (SIMP.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SIMP.encode("utf-8"), "utf-8 with BOM"),
        (SIMP.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SIMP.encode("utf-16-be"), "utf-16"),
        (SIMP.encode("gb18030"), "gb18030"),
        (SIMP.encode("gbk"), "gb18030"),
        (TRAD.encode("gb18030"), "gb18030"),
        (TRAD.encode("big5"), "big5"),
    ],
)
def test_decodes_and_names_the_encoding(data, expected):
    text, name = decode(data, "x.txt")
    assert name == expected
    assert text.lstrip("\ufeff") in (SIMP, TRAD)


def test_utf16_without_bom_mostly_ascii():
    data = ("Title: x\n" + SIMP).encode("utf-16-le")
    text, name = decode(data, "x.txt")
    assert name == "utf-16-le" and text.endswith(SIMP)


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "E101"),
        (b"  \n\n ", "E101"),
        (bytes(range(256)) * 4, "E102"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "E102"),
        (b"\xff\xfe" + b"\xff\xff\xfe\xff" * 8, "E103"),  # a UTF-16 BOM before garbage
        (b"\xa4\x40" * 20 + b"\x80\xff", "E103"),  # valid in no candidate encoding
    ],
)
def test_bad_bytes_raise_named_errors(data, code):
    with pytest.raises(InputError) as exc:
        decode(data, "bad.txt")
    assert exc.value.code == code
    assert str(exc.value).startswith("bad.txt")
