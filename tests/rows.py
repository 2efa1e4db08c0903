"""Editing real FDJ rows for tests: change named fields of one line, keep every other byte as it was."""

from __future__ import annotations

from dataclasses import dataclass

from lottery.fdj.parse import ParsedFile


@dataclass
class FdjCsv:
    """An FDJ CSV as its header and data lines (text), written back byte for byte."""

    header: str
    rows: list[str]
    encoding: str

    @classmethod
    def from_bytes(cls, data: bytes, encoding: str = "utf-8") -> FdjCsv:
        """Split a file that ends with a newline, as every FDJ export does."""
        lines = data.decode(encoding).split("\n")
        assert lines[-1] == "", "FDJ files end with a newline"
        return cls(header=lines[0], rows=lines[1:-1], encoding=encoding)

    @property
    def columns(self) -> list[str]:
        """Header names as written (stripped)."""
        return [c.strip() for c in self.header.split(";")]

    def column(self, name: str) -> int:
        """Position of a column, by its name as written in the header."""
        return self.columns.index(name)

    def field(self, row: int, name: str) -> str:
        """One value of data row ``row`` (0-based)."""
        return self.rows[row].split(";")[self.column(name)]

    def edited(self, row: int, changes: dict[str, str]) -> str:
        """Data row ``row`` with some fields replaced (by column name)."""
        fields = self.rows[row].split(";")
        for name, value in changes.items():
            fields[self.column(name)] = value
        return ";".join(fields)

    def with_row(self, row: int, line: str) -> FdjCsv:
        """A copy where data row ``row`` is replaced by ``line``."""
        rows = list(self.rows)
        rows[row] = line
        return FdjCsv(self.header, rows, self.encoding)

    def head(self, n: int) -> FdjCsv:
        """Header and the first ``n`` data rows."""
        return FdjCsv(self.header, self.rows[:n], self.encoding)

    def tail(self, n: int) -> FdjCsv:
        """Header and every data row after the first ``n``."""
        return FdjCsv(self.header, self.rows[n:], self.encoding)

    def to_bytes(self) -> bytes:
        """The file's bytes."""
        return "".join(f"{line}\n" for line in [self.header, *self.rows]).encode(self.encoding)


def line_no(row: int) -> int:
    """The file line number of data row ``row`` (the header is line 1)."""
    return row + 2


def assert_every_line_accounted(parsed: ParsedFile) -> None:
    """Every data line is either a loaded main draw or a rejected row, never both nor neither."""
    main_lines = {d.line_no for d in parsed.draws if d.kind.value != "loto_second"}
    assert len(main_lines) == len([d for d in parsed.draws if d.kind.value != "loto_second"])
    assert main_lines.isdisjoint(parsed.rejected_lines)
    assert main_lines | parsed.rejected_lines == set(parsed.raw_lines)
    assert len(parsed.raw_lines) == parsed.rows_read
