"""A badge image with its credential inside ("baking", Open Badges 3.0 section 5.3).

The compact JWT goes into an ``iTXt`` chunk with the keyword ``openbadgecredential``, just before the PNG's
end, so the image a learner posts or forwards carries its own proof. The image itself is drawn here, with the
standard library only: a ring in the programme's colours, 256 pixels square.
"""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
SIZE = 256
_RING = (0x1F, 0x4E, 0x79)  # the app's dark blue
_FACE = (0xF2, 0xC1, 0x4E)  # a medal's gold


class BakingError(ValueError):
    """A file that is not a PNG, or a PNG with no credential baked in."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def badge_png() -> bytes:
    """A plain medal: a gold disc in a blue ring, transparent outside (RGBA, 8 bits)."""
    centre, outer, inner = (SIZE - 1) / 2, SIZE / 2 - 2, SIZE / 2 - 26
    rows = bytearray()
    for y in range(SIZE):
        rows.append(0)  # no filter
        for x in range(SIZE):
            distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            if distance <= inner:
                rows.extend((*_FACE, 255))
            elif distance <= outer:
                rows.extend((*_RING, 255))
            else:
                rows.extend((0, 0, 0, 0))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
            + _chunk(b"IEND", b""))


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("the file is not a PNG image")
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        data = png[offset + 8:offset + 8 + length]
        if len(data) != length:
            raise BakingError("the PNG image is cut short")
        chunks.append((kind, data))
        offset += 12 + length
    return chunks


def bake(png: bytes, token: str) -> bytes:
    """The image with the credential in one iTXt chunk (an earlier credential in it is replaced)."""
    kept = [(kind, data) for kind, data in _chunks(png)
            if not (kind == b"iTXt" and data.split(b"\0", 1)[0] == KEYWORD)]
    # keyword, null, compression flag 0, method 0, empty language tag and translated keyword, then the text
    itxt = KEYWORD + b"\0\0\0" + b"\0" + b"\0" + token.encode("utf-8")
    body = b"".join(_chunk(kind, data) for kind, data in kept if kind != b"IEND")
    return PNG_SIGNATURE + body + _chunk(b"iTXt", itxt) + _chunk(b"IEND", b"")


def unbake(png: bytes) -> str:
    """The credential baked in an image."""
    for kind, data in _chunks(png):
        if kind == b"iTXt" and data.split(b"\0", 1)[0] == KEYWORD:
            rest = data[len(KEYWORD) + 1:]
            compressed, _method = rest[0], rest[1]
            _language, _translated, text = rest[2:].split(b"\0", 2)
            return (zlib.decompress(text) if compressed else text).decode("utf-8")
    raise BakingError("the image has no Open Badges credential baked in")
