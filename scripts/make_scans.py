"""Make scans of period texts to test and measure the scan stage: nobody has to download a page.

    python scripts/make_scans.py --real ../shared/real --out /tmp/scans [--layout horizontal|vertical]
        [--format pdf|tiff|png|jpeg|textpdf] [--damage] [--only 29,30] [--max-pages N]
        [--gold ../shared/gold/real.yaml]

Each text is set in pages of an A4 print at 150 dpi: horizontal in simplified script (Noto Serif CJK SC),
or vertical in traditional script (OpenCC s2tw, Noto Serif CJK TC or AR PL UMing), columns right to left
with the vertical punctuation forms; the title centred and larger, `##` lines centred. `--damage` adds
what scanners do to old prints: a skew, blur, specks, uneven ink and JPEG compression. `textpdf` writes a
PDF whose text layer holds the text (fpdf2), the others the page images only. `--gold` also writes the
gold annotations with each `file:` renamed to its scan, for ../shared/tools/score_gold.py.

The fonts are Debian's fonts-noto-cjk (or fonts-arphic-uming), which scripts/test.sh installs.
"""
from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

WIDTH, HEIGHT, MARGIN = 1240, 1754, 110  # A4 at 150 dpi
SIZE = 30  # body type in pixels (about 五号 at 150 dpi)
FONTS = {  # (path, face index) for each script, first found wins
    "simplified": [("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
                   ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
                   ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)],
    "traditional": [("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 3),
                    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 3),
                    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)],
}
VERTICAL_FORMS = str.maketrans({"，": "︐", "。": "︒", "、": "︑", "：": "︓", "；": "︔", "（": "︵", "）": "︶",
                                "「": "﹁", "」": "﹂", "“": "﹁", "”": "﹂", "《": "︽", "》": "︾", "！": "︕",
                                "？": "︖", "(": "︵", ")": "︶", "—": "︱"})
HORIZONTAL_FORMS = str.maketrans({v: k for k, v in {"，": "︐", "。": "︒", "、": "︑", "：": "︓", "；": "︔",
                                                    "（": "︵", "）": "︶", "「": "﹁", "」": "﹂", "《": "︽",
                                                    "》": "︾", "！": "︕", "？": "︖", "—": "︱"}.items()})


def font_path(script: str) -> tuple[str, int] | None:
    return next(((p, i) for p, i in FONTS[script] if Path(p).exists()), None)


def paragraphs(text: str) -> list[tuple[str, str]]:
    """(kind, text) of each paragraph: title (the first # line), heading (## lines), body."""
    out = []
    for raw in text.splitlines():
        line = raw.strip().replace("\u3000", "")
        if not line or line.startswith("·"):
            continue
        if line.startswith("# "):
            out.append(("title", line[2:].strip()))
        elif line.startswith("#"):
            out.append(("heading", line.lstrip("#").strip()))
        else:
            out.append(("body", line))
    return out


def render(text: str, layout: str = "horizontal", max_pages: int | None = None, seed: int = 0) -> list:
    """The pages (PIL greyscale images) of `text`, set horizontally (simplified) or vertically (traditional)."""
    return render_with_text(text, layout, max_pages)[0]


def render_with_text(text: str, layout: str = "horizontal", max_pages: int | None = None) -> tuple[list, list[str]]:
    """The pages of `text` and the characters drawn on each (what a perfect reading gives, in reading order)."""
    from PIL import Image, ImageDraw, ImageFont

    script = "traditional" if layout == "vertical" else "simplified"
    if layout == "vertical":
        import opencc

        text = opencc.OpenCC("s2tw").convert(text)
    found = font_path(script)
    if found is None:
        raise SystemExit("no CJK font: install Debian's fonts-noto-cjk or fonts-arphic-uming")
    fonts = {k: ImageFont.truetype(found[0], s, index=found[1]) for k, s in (("body", SIZE), ("title", SIZE * 3 // 2))}
    pages, drawn, page, draw = [], [], None, None

    def new_page():
        nonlocal page, draw
        page = Image.new("L", (WIDTH, HEIGHT), 255)
        draw = ImageDraw.Draw(page)
        pages.append(page)
        drawn.append([])

    def put(xy, s, font):
        draw.text(xy, s, font=font, fill=0)
        drawn[-1].append(s)

    new_page()
    if layout == "horizontal":
        y = MARGIN
        per = (WIDTH - 2 * MARGIN) // SIZE
        for kind, para in paragraphs(text):
            size = SIZE * 3 // 2 if kind == "title" else SIZE
            font = fonts["title" if kind == "title" else "body"]
            if kind != "body":
                step = (WIDTH - 2 * MARGIN) // size
                chunks = [para[i:i + step] for i in range(0, len(para), step)]
                for chunk in chunks:
                    if y + size > HEIGHT - MARGIN:
                        new_page()
                        y = MARGIN
                    put(((WIDTH - len(chunk) * size) // 2, y), chunk, font)
                    y += int(size * 1.7)
                continue
            line, first = "", True
            rest = para
            while rest:
                room = per - (2 if first else 0)
                line, rest = rest[:room], rest[room:]
                if y + size > HEIGHT - MARGIN:
                    if max_pages and len(pages) >= max_pages:
                        return _done(pages, drawn)
                    new_page()
                    y = MARGIN
                put((MARGIN + (2 * SIZE if first else 0), y), line, font)
                y += int(SIZE * 1.65)
                first = False
    else:
        x = WIDTH - MARGIN - SIZE
        per = (HEIGHT - 2 * MARGIN) // SIZE
        for kind, para in paragraphs(text):
            para = para.translate(VERTICAL_FORMS)
            font = fonts["title" if kind == "title" else "body"]
            size = SIZE * 3 // 2 if kind == "title" else SIZE
            first, rest = True, para
            while rest:
                room = (HEIGHT - 2 * MARGIN) // size - (2 if first and kind == "body" else 0)
                col, rest = rest[:room], rest[room:]
                if x < MARGIN:
                    if max_pages and len(pages) >= max_pages:
                        return _done(pages, drawn)
                    new_page()
                    x = WIDTH - MARGIN - SIZE
                y = MARGIN + (2 * size if first and kind == "body" else 0)
                if kind != "body":
                    y = (HEIGHT - len(col) * size) // 2
                for ch in col:
                    put((x - (size - SIZE), y), ch, font)
                    y += size
                x -= int(size * 1.6)
                first = False
    return _done(pages[:max_pages] if max_pages else pages, drawn)


def _done(pages: list, drawn: list[list[str]]) -> tuple[list, list[str]]:
    texts = ["".join(d).translate(HORIZONTAL_FORMS) for d in drawn]
    return pages, texts[:len(pages)]


def damage(page, seed: int = 0):
    """What a scanner does to an old print: a skew, a little blur, specks, uneven ink (one side fainter)."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    page = page.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(page, dtype=np.float32)
    ramp = np.linspace(0, rng.uniform(40, 70), a.shape[1], dtype=np.float32)[None, :]
    a = np.minimum(255, a + (255 - a) * 0 + ramp * (a < 200))  # the ink fades towards one side
    noise = np.random.default_rng(seed).random(a.shape)
    a[noise > 0.9993] = 30  # specks
    return Image.fromarray(a.clip(0, 255).astype("uint8"))


def save(pages, target: Path, fmt: str, text: str | None = None, layout: str = "horizontal") -> Path:
    """Write `pages` as one file of `fmt` (png and jpeg: the first page only unless a multi-page format)."""
    rgb = [p.convert("RGB") for p in pages]
    if fmt == "pdf":
        target = target.with_suffix(".pdf")
        rgb[0].save(target, "PDF", resolution=150.0, save_all=True, append_images=rgb[1:])
    elif fmt == "tiff":
        target = target.with_suffix(".tif")
        rgb[0].save(target, "TIFF", save_all=True, append_images=rgb[1:], compression="tiff_deflate")
    elif fmt == "jpeg":
        target = target.with_suffix(".jpg")
        buf = io.BytesIO()
        rgb[0].save(buf, "JPEG", quality=55)
        target.write_bytes(buf.getvalue())
    elif fmt == "png":
        target = target.with_suffix(".png")
        rgb[0].save(target, "PNG")
    elif fmt == "textpdf":
        target = target.with_suffix(".pdf")
        _text_pdf(text or "", target, layout)
    else:
        raise SystemExit(f"unknown format {fmt}")
    return target


def _text_pdf(text: str, target: Path, layout: str) -> None:
    """A PDF whose text layer holds the text (a born-digital print), made with fpdf2."""
    from fpdf import FPDF

    found = font_path("traditional" if layout == "vertical" else "simplified")
    path = "/usr/share/fonts/truetype/arphic/uming.ttc" if Path("/usr/share/fonts/truetype/arphic/uming.ttc").exists() \
        else found[0]
    pdf = FPDF(format="A4")
    pdf.add_font("cjk", fname=path)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    for kind, para in paragraphs(text):
        pdf.set_font("cjk", size=16 if kind == "title" else 11)
        pdf.multi_cell(0, 7, para, align="C" if kind != "body" else "L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.output(str(target))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default="../shared/real")
    ap.add_argument("--out", required=True)
    ap.add_argument("--layout", choices=("horizontal", "vertical"), default="horizontal")
    ap.add_argument("--format", choices=("pdf", "tiff", "png", "jpeg", "textpdf"), default="pdf")
    ap.add_argument("--damage", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated text numbers (29,30)")
    ap.add_argument("--max-pages", type=int, default=None)
    ap.add_argument("--gold", default=None, help="write the gold with each file renamed to its scan")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    only = {x.strip() for x in a.only.split(",") if x.strip()}
    renamed = {}
    for src in sorted(Path(a.real).glob("*.txt")):
        if only and src.name.split("_")[0] not in only:
            continue
        text = src.read_text("utf-8")
        pages = [] if a.format == "textpdf" else render(text, a.layout, a.max_pages)
        if a.damage:
            pages = [damage(p, seed=k) for k, p in enumerate(pages)]
        target = save(pages, out / src.stem, a.format, text, a.layout)
        renamed[src.name] = target.name
        print(f"{target.name}: {len(pages) or 'text layer'} pages")
    if a.gold:
        import yaml

        gold = yaml.safe_load(Path(a.gold).read_text("utf-8"))
        docs = [dict(d, file=renamed[d["file"]]) for d in gold["documents"] if d["file"] in renamed]
        (out / "gold.yaml").write_text(yaml.safe_dump({"documents": docs}, allow_unicode=True), "utf-8")
        print(f"{out / 'gold.yaml'}: {len(docs)} documents")


if __name__ == "__main__":
    main()
