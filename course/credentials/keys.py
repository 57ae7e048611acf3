"""The programme's signing keys, kept in the instance folder and rotatable.

Open Badges 3.0 requires RS256 as the minimum every verifier supports, so the key is RSA (2048 bits). Each key
has a number; the highest is the one that signs. Rotating writes a new key and keeps only the public half of
the old one: credentials it signed stay verifiable (their JWT header names their key), and nothing it could
still sign is left on disk.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cryptography and joserfc load when a key is first used: most requests never sign
    from joserfc.jwk import RSAKey

KEY_BITS = 2048
_PRIVATE = re.compile(r"key-(\d+)\.pem")
_PUBLIC = re.compile(r"key-(\d+)\.public\.pem")


class SigningKeyError(Exception):
    """A key file that cannot be read."""


@dataclass(frozen=True)
class SigningKey:
    number: int
    key: RSAKey

    @property
    def name(self) -> str:
        return f"key-{self.number}"


def key_folder(instance_path: str | Path) -> Path:
    return Path(instance_path) / "credentials" / "keys"


def _numbered(folder: Path, pattern: re.Pattern) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    return {int(match.group(1)): path for path in folder.iterdir() if (match := pattern.fullmatch(path.name))}


def _load(path: Path, number: int) -> SigningKey:
    from joserfc.jwk import RSAKey  # noqa: PLC0415

    try:
        return SigningKey(number, RSAKey.import_key(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"{path} is not a readable RSA key: {exc}") from exc


def current_key(instance_path: str | Path) -> SigningKey:
    """The key that signs, created on first use (mode 0600: only the server's user reads it)."""
    folder = key_folder(instance_path)
    private = _numbered(folder, _PRIVATE)
    if private:
        number = max(private)
        return _load(private[number], number)
    return _write_new_key(folder, max(_numbered(folder, _PUBLIC), default=0) + 1)


def _write_new_key(folder: Path, number: int) -> SigningKey:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415
    from joserfc.jwk import RSAKey  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path = folder / f"key-{number}.pem"
    partial = folder / f".key-{number}.{os.getpid()}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    try:
        os.link(partial, path)  # atomic, and refuses to replace: two workers starting at once keep one key
    except FileExistsError:
        return _load(path, number)
    finally:
        partial.unlink()
    return SigningKey(number, RSAKey.import_key(pem))


def rotate(instance_path: str | Path) -> SigningKey:
    """Retire the signing key (its public half stays published) and start signing with a new one."""
    folder = key_folder(instance_path)
    old = current_key(instance_path)
    public = old.key.as_pem(private=False)
    (folder / f"{old.name}.public.pem").write_bytes(public)
    (folder / f"{old.name}.pem").unlink()
    return _write_new_key(folder, old.number + 1)


def published_keys(instance_path: str | Path) -> list[SigningKey]:
    """Every key a credential may have been signed with: the current one and the retired ones, public only."""
    from joserfc.jwk import RSAKey  # noqa: PLC0415

    folder = key_folder(instance_path)
    keys = {number: _load(path, number) for number, path in _numbered(folder, _PUBLIC).items()}
    current = current_key(instance_path)
    keys[current.number] = SigningKey(current.number, RSAKey.import_key(current.key.as_pem(private=False)))
    return [keys[number] for number in sorted(keys)]
