"""One PDF from the part files the bulk payslip job writes a batch at a time.

reportlab keeps every page of a document until it saves it, so a bulk file of 20,000
payslips drawn in one canvas grows with the run. The job instead draws each batch into its
own small PDF (a part) and ``join_parts`` copies the parts' objects into one file, a part
at a time: memory holds one part, never the run.

Only reportlab's own output is read (``PayslipWriter``: classic cross-reference table, no
object streams, one page tree): each object is cut out by the offsets of its part's xref,
renumbered past the objects already written, its page pointed at the new page tree; the
part's catalogue, page tree and info dictionary are dropped and written once at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_REF = re.compile(rb"(\d+) 0 R")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_INFO = re.compile(rb"/Info (\d+) 0 R")
_PAGES = re.compile(rb"/Pages (\d+) 0 R")
_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_HEAD = re.compile(rb"^(\d+) 0 obj\s*")


class PdfPartError(ValueError):
    """A part that is not a PDF as reportlab writes it."""


def _objects(content: bytes) -> dict[int, bytes]:
    """Object number → its body (between ``N 0 obj`` and ``endobj``)."""
    found = _XREF.search(content)
    if found is None:
        raise PdfPartError("no startxref")
    start = int(found.group(1))
    lines = content[start:].split(b"\n")
    if lines[0].strip() != b"xref":
        raise PdfPartError("not a cross-reference table")
    first, count = (int(x) for x in lines[1].split())
    offsets: dict[int, int] = {}
    for index in range(count):
        entry = lines[2 + index].split()
        if entry[2] == b"n":
            offsets[first + index] = int(entry[0])
    ends = sorted([*offsets.values(), start])
    objects: dict[int, bytes] = {}
    for number, offset in offsets.items():
        end = ends[ends.index(offset) + 1]
        chunk = content[offset:end]
        head = _HEAD.match(chunk)
        if head is None or int(head.group(1)) != number:
            raise PdfPartError(f"object {number} not at its offset")
        body = chunk[head.end() :].rstrip()
        if not body.endswith(b"endobj"):
            raise PdfPartError(f"object {number} does not end")
        objects[number] = body[: -len(b"endobj")].rstrip()
    return objects


def _renumber(body: bytes, shift: int, parent: int | None) -> bytes:
    """References moved by ``shift`` (in the dictionary, never in stream data); a page's
    ``/Parent`` pointed at ``parent``."""
    cut = body.find(b"stream")
    head, tail = (body, b"") if cut < 0 else (body[:cut], body[cut:])
    head = _REF.sub(lambda m: b"%d 0 R" % (int(m.group(1)) + shift), head)
    if parent is not None:
        head = re.sub(rb"/Parent \d+ 0 R", b"/Parent %d 0 R" % parent, head)
    return head + tail


class PartJoiner:
    """Write parts into ``out`` one after the other; ``close`` writes the page tree, the
    catalogue, the cross-reference table and the trailer, and returns the page count."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._offsets: list[int] = []  # of objects 1, 2, … (the page tree's is reserved)
        self._pages: list[int] = []
        self._written = 0
        self._write(b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n")
        self._tree = self._reserve()

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._written += len(data)

    def _reserve(self) -> int:
        self._offsets.append(-1)
        return len(self._offsets)

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number - 1] = self._written
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add(self, content: bytes) -> int:
        """Copy one part's pages (and what they use); the number of pages copied."""
        objects = _objects(content)
        trailer = content[content.rfind(b"trailer") :]
        root = _ROOT.search(trailer)
        if root is None:
            raise PdfPartError("no catalogue")
        tree = _PAGES.search(objects[int(root.group(1))])
        if tree is None:
            raise PdfPartError("no page tree")
        tree_number = int(tree.group(1))
        kids = _KIDS.search(objects[tree_number])
        if kids is None:
            raise PdfPartError("no pages")
        pages = [int(m.group(1)) for m in _REF.finditer(kids.group(1))]
        info = _INFO.search(trailer)
        dropped = {int(root.group(1)), tree_number, int(info.group(1)) if info else -1}
        shift = len(self._offsets)
        for number in sorted(objects):
            if number in dropped:
                continue
            while len(self._offsets) < number + shift:
                self._reserve()
            parent = self._tree if number in pages else None
            self._object(number + shift, _renumber(objects[number], shift, parent))
        self._pages.extend(page + shift for page in pages)
        return len(pages)

    def close(self) -> int:
        kids = b" ".join(b"%d 0 R" % page for page in self._pages)
        self._object(
            self._tree,
            b"<< /Count %d /Kids [ %s ] /Type /Pages >>" % (len(self._pages), kids),
        )
        catalog = self._reserve()
        self._object(catalog, b"<< /Pages %d 0 R /Type /Catalog >>" % self._tree)
        start = self._written
        entries = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(self._offsets) + 1)]
        for offset in self._offsets:
            entries.append(b"0000000000 65535 f \n" if offset < 0 else b"%010d 00000 n \n" % offset)
        self._write(b"".join(entries))
        self._write(
            b"trailer\n<< /Root %d 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (catalog, len(self._offsets) + 1, start)
        )
        return len(self._pages)


def join_parts(parts: Iterable[Path], out: IO[bytes]) -> int:
    """Join the part files ``parts`` (in order) into ``out``, one part in memory at a time;
    the number of pages."""
    joiner = PartJoiner(out)
    for part in parts:
        joiner.add(part.read_bytes())
    return joiner.close()
