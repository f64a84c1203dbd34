"""Reads an HTML table as a browser would show it: its header and body cells, each with its
text and attributes (the standard library's parser; no Django needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    tag: str  # "th" or "td"
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Table:
    attrs: dict[str, str] = field(default_factory=dict)
    caption: str = ""
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    row_attrs: list[dict[str, str]] = field(default_factory=list)

    def header_texts(self) -> list[str]:
        return [cell.text for cell in self.head[0]]

    def records(self) -> list[dict[str, str]]:
        """Each body row's cell texts by their column's header text."""
        return [dict(zip(self.header_texts(), row, strict=True)) for row in self.texts()]

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.body]

    def langs(self) -> list[list[str | None]]:
        return [[cell.attrs.get("lang") for cell in row] for row in self.body]


class _Reader(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.table: Table | None = None
        self.depth = 0  # tables open inside the one read (none expected)
        self.part = ""
        self.cell: Cell | None = None
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "table":
            if self.table is None and attrs.get("id") == self.table_id:
                self.table = Table(attrs=attrs)
                self.depth = 1
            elif self.depth:
                self.depth += 1
            return
        if not self.depth:
            return
        if tag in ("thead", "tbody"):
            self.part = tag
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            rows = self.table.head if self.part == "thead" else self.table.body
            rows.append([])
            if self.part != "thead":
                self.table.row_attrs.append(attrs)
        elif tag in ("th", "td"):
            self.cell = Cell(tag, attrs)
            rows = self.table.head if self.part == "thead" else self.table.body
            rows[-1].append(self.cell)

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.cell.text = " ".join(self.cell.text.split())
            self.cell = None
        elif tag == "caption":
            self.in_caption = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data
        elif self.in_caption:
            self.table.caption += data


def read_table(html: str, table_id: str) -> Table:
    """The table with ``id="table_id"`` in ``html``; AssertionError if there is none."""
    reader = _Reader(table_id)
    reader.feed(html)
    assert reader.table is not None, f"no table #{table_id} on the page"
    return reader.table
