"""Revocation published as a W3C Bitstring Status List (v1.0).

Each credential has a position in a list of 131,072 bits (16 KB, the specification's minimum, so that a list
says nothing about how many credentials there are); the bit is 1 once the certificate is revoked. The list is
itself a credential, signed like the others, at a fixed address that every credential and the /verify page
name. A certificate's position is derived from its id: no counter to keep in step across worker processes.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from dataclasses import dataclass

#: Bits in one list: the specification's minimum size, for herd privacy.
LIST_BITS = 131_072
#: The multibase prefix of base64url without padding.
_MULTIBASE_BASE64URL = "u"


@dataclass(frozen=True)
class StatusPosition:
    list_number: int
    index: int


def position_of(certificate_id: int) -> StatusPosition:
    return StatusPosition((certificate_id - 1) // LIST_BITS + 1, (certificate_id - 1) % LIST_BITS)


def certificate_ids_in(list_number: int) -> range:
    first = (list_number - 1) * LIST_BITS + 1
    return range(first, first + LIST_BITS)


def encode(set_indexes: Iterable[int]) -> str:
    """The encodedList value: GZIP of the bitstring, base64url without padding, with its multibase prefix.
    Index 0 is the left-most bit of the first byte."""
    bits = bytearray(LIST_BITS // 8)
    for index in set_indexes:
        if not 0 <= index < LIST_BITS:
            raise ValueError(f"status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode()
    return _MULTIBASE_BASE64URL + packed


def is_set(encoded_list: str, index: int) -> bool:
    """Read one bit of an encodedList (raises ValueError on a list that is not one)."""
    if not encoded_list.startswith(_MULTIBASE_BASE64URL):
        raise ValueError("the status list is not base64url multibase")
    data = encoded_list[1:]
    try:
        bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"the status list cannot be decoded: {exc}") from exc
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
