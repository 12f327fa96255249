"""Word .docx -> plain text in document order, shaped like Word's own "save as text".

Paragraphs (headings included) are one line each, with their automatic list
label ("I.", "1.", "a)", "-") in front; a table row is one line of tab-separated
cells, because the commune plans we receive keep their appendix tables that way
and the parser reads rows from tabs. Inside a cell, paragraphs and nested tables
are joined by spaces. A horizontally merged cell counts once; a vertically
merged cell is empty in the rows it continues into (its text stays in its first
row), as Word exports it.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from typing import Any, Iterator

from align.errors import InputError
from align.ingest.numbering import Numbering

NOT_WORD = "unreadable .docx: not a valid Word document"
_SPACES = re.compile(r"\s+")


def docx_text(path: str) -> str:
    """The text of a .docx file; InputError when it is not a readable Word document."""
    import docx
    from docx.opc.exceptions import OpcError
    from lxml import etree

    try:
        document = docx.Document(path)
        reader = _Reader(document)
        body = document.element.body
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError,
            zlib.error, EOFError, NotImplementedError, AttributeError, TypeError):
        raise InputError(path, NOT_WORD) from None
    if body is None:
        raise InputError(path, NOT_WORD)
    return "\n".join(reader.block_lines(body))


class _Reader:
    def __init__(self, document: Any):
        from docx.oxml.ns import qn

        self.document = document
        self.numbering = Numbering(document)
        self.p, self.tbl, self.tr, self.tc = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
        self.wrappers = (qn("w:sdt"), qn("w:customXml"))
        self.sdt_content = qn("w:sdtContent")

    def _unwrap(self, wrapper: Any) -> Any:
        content = wrapper.find(self.sdt_content)
        return wrapper if content is None else content

    def block_lines(self, container: Any) -> Iterator[str]:
        """Lines of the paragraphs and tables directly in `container`, in order."""
        from docx.text.paragraph import Paragraph

        for child in container.iterchildren():
            if child.tag == self.p:
                label = self.numbering.label(child)
                text = Paragraph(child, self.document).text
                yield f"{label} {text}" if label else text
            elif child.tag == self.tbl:
                for row in child.iterchildren(self.tr):
                    yield "\t".join(self.row_cells(row))
            elif child.tag in self.wrappers:
                yield from self.block_lines(self._unwrap(child))

    def row_cells(self, row: Any) -> Iterator[str]:
        """Cell texts of a row (cells wrapped in content controls included)."""
        for child in row.iterchildren():
            if child.tag == self.tc:
                continued = getattr(child, "vMerge", None) == "continue"
                yield "" if continued else self.cell_text(child)
            elif child.tag in self.wrappers:
                yield from self.row_cells(self._unwrap(child))

    def cell_text(self, cell: Any) -> str:
        """A cell on one line: its paragraphs and nested rows joined by spaces, no tabs."""
        text = " ".join(line for line in self.block_lines(cell) if line.strip())
        return _SPACES.sub(" ", text).strip()
