"""Candidate photos on disk: type by content, random names, atomic writes.

The uploader's file name and declared content type are ignored: the type is read from the
first bytes (JPEG, PNG or WebP only), and the file is stored under a random name in
``<data dir>/uploads/candidates``, so nothing the client sends ends up in a path.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PHOTO_MAX_BYTES = 5 * 1024 * 1024
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
_NAME_CHARS = frozenset("0123456789abcdef.jpgnwebp")


def sniff_image(head: bytes) -> str | None:
    """The content type from the magic bytes, or None when it is not an accepted image."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def photo_dir(data_dir: Path) -> Path:
    return data_dir / "uploads" / "candidates"


def store(data_dir: Path, content: bytes, content_type: str) -> str:
    """Write the photo under a fresh random name; returns that name."""
    directory = photo_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + _EXTENSIONS[content_type]
    temporary = directory / (name + ".part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    temporary.replace(directory / name)
    return name


def path_of(data_dir: Path, name: str) -> Path:
    """The file of a stored name; names are ours, but never trust a path blindly."""
    if not name or not set(name) <= _NAME_CHARS or name.startswith("."):
        raise ValueError("invalid photo name")
    return photo_dir(data_dir) / name


def remove(data_dir: Path, name: str | None) -> None:
    if name:
        path_of(data_dir, name).unlink(missing_ok=True)
