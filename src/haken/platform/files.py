"""Private files on disk: the data directory 0700, the SQLite database and its -wal/-shm 0600.

The data directory holds the generated keys, the embedded SQLite database (personal
data, password hashes), backups and uploads. haken creates the directory 0700 and the
database file 0600 *before* SQLite opens it: SQLite gives the ``-wal`` and ``-shm``
files it creates the mode of the database file, so they follow. What an operator
created or widened is left as it is; ``haken serve`` warns about it
(:func:`warn_loose_permissions`). PostgreSQL keeps its files itself: nothing to do.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

from haken.platform.logging import get_logger

log = get_logger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
KEY_FILES = ("secret_key", "field_key")


def make_private_dir(path: Path) -> None:
    """Create ``path`` (parents as usual) with mode 0700; an existing one is left as it is."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    os.chmod(path, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    if not database_url.startswith("sqlite"):
        return None
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


def create_private_sqlite(database_url: str) -> None:
    """Create the SQLite file empty with mode 0600 when absent and its directory exists.

    An empty file is a valid empty database; SQLite then creates ``-wal`` and
    ``-shm`` with the database file's mode. A missing directory is left missing:
    the database is unreachable, as it would be without this step (503, not a
    fresh empty database in a mistyped place).
    """
    path = sqlite_file(database_url)
    if path is None or path.exists() or not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return  # another process created it first
    os.close(fd)


def tighten_sqlite_sidecars(path: Path) -> None:
    """Give leftover ``-wal``/``-shm`` files a private database file's mode (on connect)."""
    try:
        if path.stat().st_mode & 0o077:
            return  # the operator chose a wider database file; serve warns
    except FileNotFoundError:
        return
    for suffix in SQLITE_SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        try:
            if sidecar.stat().st_mode & 0o077:
                os.chmod(sidecar, PRIVATE_FILE_MODE)
        except FileNotFoundError:
            continue


@dataclass(frozen=True)
class LooseFile:
    path: Path
    mode: int
    expected: int


def loose_permissions(data_dir: Path, database_url: str) -> list[LooseFile]:
    """The data directory, key files and SQLite files that group or others may use."""
    candidates: list[tuple[Path, int]] = [(data_dir, PRIVATE_DIR_MODE)]
    candidates += [(data_dir / name, PRIVATE_FILE_MODE) for name in KEY_FILES]
    database = sqlite_file(database_url)
    if database is not None:
        candidates.append((database, PRIVATE_FILE_MODE))
        candidates += [
            (database.with_name(database.name + suffix), PRIVATE_FILE_MODE)
            for suffix in SQLITE_SIDECARS
        ]
    found = []
    for path, expected in candidates:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & ~expected & 0o777:
            found.append(LooseFile(path, mode, expected))
    return found


def warn_loose_permissions(data_dir: Path, database_url: str, stderr: TextIO) -> list[LooseFile]:
    """A structured log line and a stderr line per private file open to group or others."""
    found = loose_permissions(data_dir, database_url)
    for item in found:
        log.warning(
            "private file readable by others",
            path=str(item.path),
            mode=f"{item.mode:o}",
            expected=f"{item.expected:o}",
        )
        print(
            f"haken: warning: {item.path} has mode {item.mode:o} but holds keys or personal "
            f"data; run: chmod {item.expected:o} {item.path}",
            file=stderr,
        )
    return found
