"""The ledger as an .xlsx workbook in the layout of 大高信办字〔2021〕1号 附件《XXX单位失信约束措施台账》.

Title row (merged over the 14 columns), the header row with the attachment's exact column names,
one row per measure, grouped under its document — the document's cells (序号, 文件名称(含文号), 完成时间,
责任单位, 责任人姓名及职务, 电话) merged over its rows — then the attachment's notes 注1–3. A cell whose text
begins with = + - @ is written as text, never as a formula. Columns are sized and wrapped for printing
on landscape A4.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from xinyong.core.spreadsheet import FORMULA_STARTS, strip_illegal
from xinyong.ledger.rules import DOCUMENT_COLUMNS, LEDGER_COLUMNS, LEDGER_NOTES

#: character widths of the 14 columns (序号 … 电话)
COLUMN_WIDTHS: tuple[int, ...] = (6, 30, 12, 12, 12, 48, 12, 12, 40, 12, 14, 18, 20, 16)
SHEET_TITLE = "失信约束措施台账"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def ledger_title(unit_name: str) -> str:
    return f"{unit_name}失信约束措施台账"


def _write_text(cell: Cell, value: str) -> None:
    """Write ``value`` as a text cell: characters no cell may hold are dropped and a leading = + - @
    never starts a formula (stored as a string and marked with the quote prefix, so that editing the
    cell in a spreadsheet keeps it text; :mod:`xinyong.core.spreadsheet` decides what is dangerous)."""
    value = strip_illegal(value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def build_workbook(unit_name: str, documents: Sequence[Sequence[Sequence[str]]]) -> bytes:
    """``documents``: for each document, its measure rows (see :func:`xinyong.ledger.rules.ledger_rows`)."""
    assert len(COLUMN_WIDTHS) == len(LEDGER_COLUMNS)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ncols = len(LEDGER_COLUMNS)
    last = get_column_letter(ncols)

    ws.merge_cells(f"A1:{last}1")
    title = ws["A1"]
    _write_text(title, ledger_title(unit_name))
    title.font = Font(name="宋体", size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32

    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for col, name in enumerate(LEDGER_COLUMNS, start=1):
        cell = ws.cell(row=2, column=col, value=name)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        cell.fill = header_fill
    ws.row_dimensions[2].height = 48

    r = 3
    for rows in documents:
        first = r
        for values in rows:
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col)
                _write_text(cell, value)
                cell.font = Font(name="宋体", size=10)
                centred = col in (1, 3, 4, 5, 7, 8, 10, 11)
                cell.alignment = Alignment(
                    horizontal="center" if centred else "left",
                    vertical="center" if col - 1 in DOCUMENT_COLUMNS else "top", wrap_text=True,
                )
                cell.border = _BORDER
            r += 1
        if r - first > 1:
            for index in DOCUMENT_COLUMNS:
                ws.merge_cells(start_row=first, start_column=index + 1, end_row=r - 1, end_column=index + 1)

    note_row = r + 1
    for i, note in enumerate(LEDGER_NOTES):
        ws.merge_cells(start_row=note_row + i, start_column=1, end_row=note_row + i, end_column=ncols)
        cell = ws.cell(row=note_row + i, column=1, value=note)
        cell.font = Font(name="宋体", size=10)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)

    for col, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
