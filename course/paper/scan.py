"""Reading a scanned answer sheet: which sheet and page it is, and which boxes are marked.

Each printed page carries a small QR code naming its sheet and page (course.paper.pdf); the sheet remembers where
that code and every box were drawn. The code's corners, found in the scan, fix how the page lies in the image
(position, scale, a slight rotation), so each box's inside can be looked at where it was printed. A box is
marked when enough of its inside is dark; a box filled completely means "changed my mind" (the printed
instructions say so); what is neither clearly empty nor clearly marked, and two marks where one answer is
allowed, are left for the trainer to confirm on the key-in page.

Works on flat scans and straight photographs; it needs zxing-cpp (the QR decoder) and Pillow, which the
``scan`` extra installs. Without them the upload is not offered (``available``).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from flask_babel import gettext as _

from course.domain import DomainError

#: How dark (0 white, 1 black) the inside of a box must be to count as marked, below which it is empty, and
#: above which it is filled completely (a cancelled answer). Between EMPTY and MARKED the trainer decides.
EMPTY, MARKED, FILLED = 0.05, 0.12, 0.85
#: The inside of a box: its printed border left out.
INSET = 0.22
#: A pixel darker than this (0 to 255) is ink; a corner square is looked for this many mm around where the QR
#: code puts it, and must show at least this many dark pixels.
DARK_PIXEL, CORNER_SEARCH, MIN_CORNER_PIXELS = 110, 6.0, 40
#: A scan larger than this many pixels is refused (a decompression bomb, or a poster).
MAX_PIXELS = 60_000_000


class ScanRefused(DomainError):
    """The image could not be read as a page of a sheet; the message says why."""


@dataclass(frozen=True)
class PageReading:
    number: str
    page: int
    #: Darkness of each box's inside by (field, value).
    boxes: dict[tuple[str, str], float]


@dataclass
class SheetReading:
    """What the scans of one sheet say: the form values read, and the fields the trainer must check."""

    number: str
    pages: set[int] = field(default_factory=set)
    values: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unsure: set[str] = field(default_factory=set)


def available() -> bool:
    try:
        import zxingcpp  # noqa: F401, PLC0415
        from PIL import Image  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def _image(data: bytes):
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ScanRefused(_("This file is not an image Cascade can read: upload a PNG or JPEG scan.")) from exc
    return image.convert("L")


def _page_code(image) -> tuple[str, int, list[tuple[float, float]]]:
    """The sheet number and page its QR code names, and the code's top-left, top-right and bottom-left corners."""
    import zxingcpp  # noqa: PLC0415

    for code in zxingcpp.read_barcodes(image):
        address = urlsplit(code.text)
        page = parse_qs(address.query).get("page", [""])[0]
        if "/paper/" in address.path and page.isdigit():
            corners = [code.position.top_left, code.position.top_right, code.position.bottom_left]
            return address.path.rsplit("/", 1)[-1], int(page), [(c.x, c.y) for c in corners]
    raise ScanRefused(_("No sheet's page code was found in this image. Scan the whole page, the small code at "
                        "its bottom right included, at 150 dpi or more."))


def _affine(printed: list[tuple[float, float]], found: list[tuple[float, float]]):
    """The map from the page's mm to the image's pixels that takes three printed corners to those found."""
    (x0, y0), (x1, y1), (x2, y2) = printed
    (u0, v0), (u1, v1), (u2, v2) = found
    det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)

    def solve(w0, w1, w2):
        a = ((w1 - w0) * (y2 - y0) - (w2 - w0) * (y1 - y0)) / det
        b = ((x1 - x0) * (w2 - w0) - (x2 - x0) * (w1 - w0)) / det
        return a, b, w0 - a * x0 - b * y0

    (a, b, c), (d, e, f) = solve(u0, u1, u2), solve(v0, v1, v2)
    return lambda x, y: (a * x + b * y + c, d * x + e * y + f)


def _centre_of_dark(image, centre: tuple[float, float], radius: float) -> tuple[float, float] | None:
    """The centre of the dark pixels within ``radius`` pixels of ``centre``; None when there are too few."""
    left, top = max(0, int(centre[0] - radius)), max(0, int(centre[1] - radius))
    box = image.crop((left, top, int(centre[0] + radius), int(centre[1] + radius)))
    width = box.size[0]
    dark = [(i % width, i // width) for i, value in enumerate(box.tobytes()) if value < DARK_PIXEL]
    if len(dark) < MIN_CORNER_PIXELS:
        return None
    return left + sum(x for x, _y in dark) / len(dark), top + sum(y for _x, y in dark) / len(dark)


def _page_map(image, layout: dict, page: int, found: list[tuple[float, float]]):
    """The page's mm to the image's pixels: roughly from its QR code (a few mm out across the page), then
    exactly from the centres of the three corner squares found where that puts them."""
    qx, qy, size = layout["pages"][str(page)]
    rough = _affine([(qx, qy), (qx + size, qy), (qx, qy + size)], found)
    scale = abs(found[1][0] - found[0][0] + 1j * (found[1][1] - found[0][1])) / size  # pixels per mm
    printed, seen = [], []
    for x, y, side in layout["corners"]:
        centre = (x + side / 2, y + side / 2)
        spot = _centre_of_dark(image, rough(*centre), CORNER_SEARCH * scale)
        if spot is None:
            raise ScanRefused(_("The page's corners are not in the image: scan the whole page, its edges "
                                "included."))
        printed.append(centre)
        seen.append(spot)
    return _affine(printed, seen)


def _darkness(image, to_pixels, x: float, y: float, size: float) -> float:
    inner = size * INSET
    points = [to_pixels(x + inner + (size - 2 * inner) * i / 9, y + inner + (size - 2 * inner) * j / 9)
              for i in range(10) for j in range(10)]
    width, height = image.size
    inside = [image.getpixel((int(u), int(v))) for u, v in points if 0 <= u < width and 0 <= v < height]
    if len(inside) < len(points):
        raise ScanRefused(_("Part of the page is outside the image: scan the whole page."))
    return 1 - sum(inside) / (255 * len(inside))


def read_page(data: bytes, layouts) -> PageReading:
    """``layouts``: the print layout of a sheet by its number (a callable; None for an unknown sheet)."""
    image = _image(data)
    number, page, found = _page_code(image)
    layout = layouts(number)
    if not layout or str(page) not in layout["pages"]:
        raise ScanRefused(_("This page belongs to a sheet Cascade did not print here, or printed before scans "
                            "could be read: key it in by hand."))
    to_pixels = _page_map(image, layout, page, found)
    return PageReading(number, page, {(box_field, value): _darkness(image, to_pixels, x, y, box_size)
                                      for box_page, x, y, box_size, box_field, value in layout["boxes"]
                                      if box_page == page})


def read_sheet(pages: list[PageReading], single_choice: set[str]) -> SheetReading:
    """The marks of one sheet's pages; ``single_choice``: the fields where one box only may be marked."""
    reading = SheetReading(pages[0].number)
    for page in pages:
        reading.pages.add(page.page)
        for (box_field, value), darkness in page.boxes.items():
            if darkness >= FILLED:  # filled completely: an answer the learner withdrew
                continue
            if darkness >= MARKED:
                reading.values[box_field].append(value)
            elif darkness > EMPTY:
                reading.unsure.add(box_field)
    for name in single_choice:  # two answers marked where one is allowed: neither is taken for the learner's
        if len(reading.values.get(name, [])) > 1:
            del reading.values[name]
            reading.unsure.add(name)
    return reading
