"""Tables written as CSV or OpenDocument spreadsheets (ODS), with the same data.

A ``Sheet`` is a title, a header row and rows of Python values. CSV: ``;``-separated, UTF-8 with
BOM, decimals with a comma, dates ``YYYY-MM-DD``. ODS (odfpy): one sheet per table, the header
row repeated on each printed page, and typed cells — numbers are numbers (``float``), dates are
dates, ``Percent`` values are percentages — so a spreadsheet sums and sorts them without a
conversion.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import P

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
ODS_CONTENT_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
FORMATS = ("csv", "ods")


@dataclass(frozen=True)
class Percent:
    """A share (0.457) written as « 45,7 » in CSV and as a percentage cell in ODS."""

    value: float


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: Iterable[list[Any]] = field(default_factory=list)


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value.value * 100:.1f}".replace(".", ",")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(sheets: list[Sheet], stream: IO[str], *, progress: Any = None) -> int:
    """Every sheet one after the other (a blank line and its title between two sheets)."""
    stream.write("\ufeff")  # spreadsheets read the accents as UTF-8
    writer = csv.writer(stream, delimiter=";")
    written = 0
    for index, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if index:
                writer.writerow([])
            writer.writerow([sheet.title])
        writer.writerow(sheet.header)
        for row in sheet.rows:
            writer.writerow([csv_text(value) for value in row])
            written += 1
            if progress is not None:
                progress(written)
    return written


def csv_bytes(sheets: list[Sheet]) -> bytes:
    buffer = io.StringIO()
    write_csv(sheets, buffer)
    return buffer.getvalue().encode("utf-8")


_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]*?:/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name spreadsheets accept (no []*?:/\\, no ' first or last, 31 characters at most), unique."""
    base = _FORBIDDEN_IN_SHEET_NAMES.sub(" ", title).strip().strip("'")[:31].strip("'") or "Feuille"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _cell(value: Any) -> TableCell:
    if value is None or value == "":
        return TableCell()
    if isinstance(value, Percent):
        cell = TableCell(valuetype="percentage", value=repr(value.value))
        text = f"{value.value * 100:.1f}".replace(".", ",") + " %"
    elif isinstance(value, bool):
        cell = TableCell(valuetype="string")
        text = "oui" if value else "non"
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=repr(value))
        text = f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)
    elif isinstance(value, dt.datetime):
        cell = TableCell(valuetype="date", datevalue=value.replace(tzinfo=None).isoformat(timespec="seconds"))
        text = value.strftime("%d/%m/%Y %H:%M")
    elif isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.strftime("%d/%m/%Y")
    else:
        cell = TableCell(valuetype="string")
        text = str(value)
    cell.addElement(P(text=text))
    return cell


class OdsWriter:
    """Builds an ODS file sheet by sheet, row by row (so a background export can report progress)."""

    def __init__(self) -> None:
        self.document = OpenDocumentSpreadsheet()
        self.bold = Style(name="Entete", family="table-cell")
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.document.automaticstyles.addElement(self.bold)
        self.wide = Style(name="Colonne", family="table-column")
        self.wide.addElement(TableColumnProperties(columnwidth="4cm"))
        self.document.automaticstyles.addElement(self.wide)
        self.names: set[str] = set()
        self.table: Table | None = None

    def start_sheet(self, title: str, header: list[str]) -> None:
        self.table = Table(name=sheet_name(title, self.names))
        self.table.addElement(TableColumn(numbercolumnsrepeated=max(len(header), 1), stylename=self.wide))
        header_rows = TableHeaderRows()
        row = TableRow()
        for label in header:
            cell = TableCell(valuetype="string", stylename=self.bold)
            cell.addElement(P(text=label))
            row.addElement(cell)
        header_rows.addElement(row)
        self.table.addElement(header_rows)
        self.document.spreadsheet.addElement(self.table)

    def add_row(self, values: list[Any]) -> None:
        assert self.table is not None, "start_sheet() first"
        row = TableRow()
        for value in values:
            row.addElement(_cell(value))
        self.table.addElement(row)

    def write(self, stream: IO[bytes]) -> None:
        self.document.write(stream)


def write_ods(sheets: list[Sheet], stream: IO[bytes], *, progress: Any = None) -> int:
    writer = OdsWriter()
    written = 0
    for sheet in sheets:
        writer.start_sheet(sheet.title, sheet.header)
        for row in sheet.rows:
            writer.add_row(row)
            written += 1
            if progress is not None:
                progress(written)
    writer.write(stream)
    return written


def ods_bytes(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    write_ods(sheets, buffer)
    return buffer.getvalue()
