"""Candidate photos on disk: decoded and re-encoded, random names, atomic writes.

The uploader's file name and declared content type are ignored: the type is read from the
first bytes (JPEG, PNG or WebP only), then the image is decoded with Pillow (header
dimensions checked before any pixel is decoded: no decompression bombs) and re-encoded
from its pixels alone, in the same format, at most :data:`PHOTO_MAX_SIDE` pixels a side.
Nothing of the upload but its pixels survives: no EXIF (a phone photo's GPS position,
camera serial, time), no XMP, ICC or text chunks, no bytes appended after the image
(a PNG header followed by a script is refused; a real PNG followed by one loses it).
The file is stored under a random name in ``<data dir>/uploads/candidates``, so nothing
the client sends ends up in a path.
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from haken.modules.candidates.errors import PhotoPixelsError, PhotoTypeError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # a 48-megapixel phone mode is refused; the usual 12 MP passes
PHOTO_MAX_SIDE = 2048  # stored size bound: a 履歴書 photo is shown at a few hundred pixels
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
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


def normalise(content: bytes) -> tuple[bytes, str]:
    """Decode the upload and re-encode its pixels alone; returns (bytes, content type).

    Raises :class:`PhotoTypeError` when it is not a decodable JPEG, PNG or WebP image and
    :class:`PhotoPixelsError` when its header declares more than :data:`PHOTO_MAX_PIXELS`.
    CPU-bound: call it off the event loop.
    """
    content_type = sniff_image(content[:16])
    if content_type is None:
        raise PhotoTypeError()
    pil_format = _PIL_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(content), formats=[pil_format]) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > PHOTO_MAX_PIXELS:
                raise PhotoPixelsError(limit=PHOTO_MAX_PIXELS)
            if pil_format == "JPEG":
                # Let the decoder scale down by 1/2…1/8 first: less memory, less time.
                image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            image.load()  # the whole decode: a truncated or forged file fails here
            upright = ImageOps.exif_transpose(image)  # keep the orientation the EXIF said
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            pixels = _plain_mode(upright, pil_format)
            # A new image from the pixels alone: no info, EXIF, XMP or ICC to carry over.
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except (PhotoTypeError, PhotoPixelsError):
        raise
    except Image.DecompressionBombError as error:
        raise PhotoPixelsError(limit=PHOTO_MAX_PIXELS) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoTypeError() from error
    out = io.BytesIO()
    if pil_format == "JPEG":
        clean.save(out, "JPEG", quality=88, optimize=True)
    elif pil_format == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=88)
    return out.getvalue(), content_type


def _plain_mode(image: Image.Image, pil_format: str) -> Image.Image:
    """A mode the format stores without side information (a palette's transparency …)."""
    if pil_format == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


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
