"""How well and how fast scans are read: seconds per page and accuracy per character, by engine and layout.

    python3 benchmarks/bench_scans.py [--real ../shared/real] [--texts 29,30,62] [--pages 2] [--engines …]

Pages are made from the real texts by scripts/make_scans.py, horizontal (simplified) and vertical
(traditional), with scanner damage (skew, blur, specks, uneven ink) and JPEG compression at quality 70
(what scanned archives hold). Each engine reads each page; its text, in reading order and with
whitespace dropped, is compared with the characters drawn (edit distance), and timed on this machine:

    pipeline       the project's reader: PP-OCRv5 on RapidOCR, Otsu binarisation, reading order (ingest/scans)
    pipeline-raw   the same without binarisation
    rapidocr-v4    RapidOCR's own PP-OCRv4 models
    tesseract      Debian's tesseract-ocr with chi_sim (horizontal) and chi_tra_vert (vertical), where installed
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _generator():
    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _squeeze(s: str) -> str:
    return "".join(c for c in s if not c.isspace())


def read_pipeline(image, binarise: bool = True) -> str:
    from pipeline.ingest.scans import layout, ocr

    if binarise:
        lines = ocr.recognise(image)
    else:
        saved = ocr._binarised
        ocr._binarised = lambda rgb: rgb[:, :, ::-1].copy()
        try:
            lines = ocr.recognise(image)
        finally:
            ocr._binarised = saved
    placed, _ = layout.order(lines, first_page=True)
    return "".join(p.text for p in placed)


def read_rapidocr_v4(image, vertical: bool) -> str:
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    eng = getattr(read_rapidocr_v4, "engine", None) or RapidOCR(print_verbose=False)
    read_rapidocr_v4.engine = eng
    result, _ = eng(np.asarray(image)[:, :, ::-1].copy())
    boxes = [(min(p[0] for p in r[0]), min(p[1] for p in r[0]), r[1]) for r in result or []]
    boxes.sort(key=(lambda b: (-b[0], b[1])) if vertical else (lambda b: (b[1], b[0])))
    return "".join(b[2] for b in boxes)


def read_tesseract(image, vertical: bool) -> str | None:
    if not shutil.which("tesseract"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".png") as fh:
        image.save(fh.name)
        lang, psm = ("chi_tra_vert", "5") if vertical else ("chi_sim", "6")
        run = subprocess.run(["tesseract", fh.name, "-", "-l", lang, "--psm", psm], capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else None


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default=str(ROOT.parent / "shared" / "real"))
    ap.add_argument("--texts", default="29,30,62")
    ap.add_argument("--pages", type=int, default=1, help="pages per text and layout")
    ap.add_argument("--engines", default="pipeline,pipeline-raw,rapidocr-v4,tesseract")
    a = ap.parse_args(argv)
    from PIL import Image

    from pipeline.ingest.scans.layout import clean_text

    ms = _generator()
    engines = a.engines.split(",")
    wanted = {t.strip() for t in a.texts.split(",")}
    sources = [p for p in sorted(Path(a.real).glob("*.txt")) if p.name.split("_")[0] in wanted]
    print(f"{len(sources)} texts x {a.pages} page(s), damaged and JPEG-compressed (quality 70)")
    for layout in ("horizontal", "vertical"):
        vertical = layout == "vertical"
        pages = []
        for src in sources:
            images, texts = ms.render_with_text(src.read_text("utf-8"), layout, a.pages)
            for k, (img, truth) in enumerate(zip(images, texts, strict=True)):
                buf = io.BytesIO()
                ms.damage(img, seed=k).convert("RGB").save(buf, "JPEG", quality=70)
                pages.append((Image.open(buf).convert("RGB"), truth))
        for name in engines:
            chars = errors = 0
            seconds = 0.0
            for image, truth in pages:
                t0 = time.perf_counter()
                if name == "pipeline":
                    got = read_pipeline(image)
                elif name == "pipeline-raw":
                    got = read_pipeline(image, binarise=False)
                elif name == "rapidocr-v4":
                    got = clean_text(read_rapidocr_v4(image, vertical), (), vertical)[0]
                else:
                    got = read_tesseract(image, vertical)
                    got = None if got is None else clean_text(got, (), vertical)[0]
                seconds += time.perf_counter() - t0
                if got is None:
                    break
                want = _squeeze(truth)
                chars += len(want)
                errors += edit_distance(_squeeze(got), want)
            if not chars:
                print(f"  {layout:<10} {name:<13} not installed")
                continue
            print(f"  {layout:<10} {name:<13} {seconds / len(pages):6.2f} s/page   accuracy per character "
                  f"{1 - errors / chars:.4f} ({errors} edits in {chars} characters)")


if __name__ == "__main__":
    main()
