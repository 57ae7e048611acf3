"""QR codes of join links, drawn as inline SVG (no image files, nothing fetched)."""

from __future__ import annotations

from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    """An SVG QR code of ``url``; segno writes only its own markup, so it is safe to inline."""
    import segno  # noqa: PLC0415  (loaded for a page with a QR code only)

    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=5, border=2, title=url))  # noqa: S704  (generated SVG, no user markup)
