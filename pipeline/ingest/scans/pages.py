"""The pages of a scan: images from a PDF, a TIFF (multi-page too), PNG or JPEG, and a PDF's own text layer.

Every page is held as an RGB image at its own pixel size; a PDF page is rendered at `PDF_DPI`, and the
boxes of its text layer are given in the pixels of that rendering, so that a box means the same
whether the text was recognised or printed in the file.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.errors import InputError

PDF_DPI = 200  # a print's 五号 type is about 30 px high at this resolution: what the recogniser reads best
MAX_SIDE = 4000  # a larger page is scaled down before recognition (a 600 dpi A4 scan is 4960 px high)
MAX_PIXELS = 120_000_000  # an image larger than this is refused before it is decoded (a 20,000 x 20,000 px file)
MAGIC = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff"}


def scan_format(data: bytes) -> str | None:
    """pdf, png, jpeg or tiff, read from the file's first bytes (never from its name), or None."""
    head = data[:1024].lstrip()
    return next((fmt for magic, fmt in MAGIC.items() if head.startswith(magic)), None)


@dataclass(frozen=True)
class TextLine:
    """A line a PDF's text layer prints: its text and box (x0, y0, x1, y1 in the page's pixels)."""

    text: str
    box: tuple[int, int, int, int]


def page_count(data: bytes, fmt: str, where: str) -> int:
    if fmt == "pdf":
        with _pdf(data, where) as pdf:
            return len(pdf)
    with _image(data, where) as img:
        return getattr(img, "n_frames", 1)


def images(data: bytes, fmt: str, where: str) -> Iterator:
    """Each page as a PIL RGB image, in order."""
    if fmt == "pdf":
        with _pdf(data, where) as pdf:
            for k in range(len(pdf)):
                page = pdf[k]
                yield _fit(page.render(scale=PDF_DPI / 72).to_pil().convert("RGB"))
                page.close()
        return
    from PIL import ImageSequence

    with _image(data, where) as img:
        for frame in ImageSequence.Iterator(img):
            yield _fit(frame.convert("RGB"))


def page_image(data: bytes, fmt: str, page: int, where: str = ""):
    """Page `page` (from 1) as the RGB image whose pixels the boxes of scan_lines and places are in."""
    if fmt == "pdf":
        with _pdf(data, where) as pdf:
            return _fit(pdf[page - 1].render(scale=PDF_DPI / 72).to_pil().convert("RGB"))
    with _image(data, where) as img:
        img.seek(page - 1)
        return _fit(img.convert("RGB"))


def text_layer(data: bytes, where: str) -> list[list[TextLine]] | None:
    """The lines a PDF prints as text, page by page, with their boxes in the pixels of a `PDF_DPI` rendering;
    None where the file has no usable text layer (a scan saved as PDF, or glyphs without their characters)."""
    scale = PDF_DPI / 72
    pages: list[list[TextLine]] = []
    with _pdf(data, where) as pdf:
        for k in range(len(pdf)):
            page = pdf[k]
            height = page.get_height()
            tp = page.get_textpage()
            lines: list[TextLine] = []
            chars, boxes = [], []
            for i in range(tp.count_chars()):
                ch = tp.get_text_range(i, 1)
                if ch in ("\r", "\n"):
                    if chars:
                        lines.append(_line(chars, boxes, height, scale))
                    chars, boxes = [], []
                    continue
                chars.append(ch)
                boxes.append(tp.get_charbox(i))
            if chars:
                lines.append(_line(chars, boxes, height, scale))
            pages.append([ln for ln in lines if ln.text.strip()])
            tp.close()
            page.close()
    text = "".join(ln.text for page in pages for ln in page)
    cjk = sum(1 for c in text if "\u3400" <= c <= "\u9fff")
    if not text or cjk < 0.3 * len(text) or text.count("\ufffd") > 0.05 * len(text):
        return None
    return pages


def _line(chars: list[str], boxes: list[tuple[float, float, float, float]], height: float, scale: float) -> TextLine:
    left = min(b[0] for b in boxes)
    right = max(b[2] for b in boxes)
    bottom = min(b[1] for b in boxes)
    top = max(b[3] for b in boxes)
    box = (round(left * scale), round((height - top) * scale), round(right * scale), round((height - bottom) * scale))
    return TextLine("".join(chars), box)


def _fit(img):
    """A page no larger than MAX_SIDE on its longer side."""
    side = max(img.size)
    if side <= MAX_SIDE:
        return img
    k = MAX_SIDE / side
    return img.resize((round(img.width * k), round(img.height * k)))


class _pdf:
    def __init__(self, data: bytes, where: str):
        import pypdfium2 as pdfium

        try:
            self.pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            detail = str(exc)
            if "password" in detail.lower():
                raise InputError("E116", where) from None
            raise InputError("E117", where, {"detail": detail}) from None

    def __enter__(self):
        return self.pdf

    def __exit__(self, *exc):
        self.pdf.close()


class _image:
    def __init__(self, data: bytes, where: str):
        from PIL import Image, UnidentifiedImageError

        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None  # opening reads the header only; the size is checked below, by our limit
        try:
            self.img = Image.open(io.BytesIO(data))
            w, h = self.img.size
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise InputError("E117", where, {"detail": str(exc)}) from None
        finally:
            Image.MAX_IMAGE_PIXELS = saved
        if w * h > MAX_PIXELS:
            raise InputError("E118", where, {"size": f"{w} x {h}", "limit": f"{MAX_PIXELS:,}"})

    def __enter__(self):
        return self.img

    def __exit__(self, *exc):
        self.img.close()
