#!/usr/bin/env python3
"""Writes the .xlsx fixtures of the customer import next to this script (Python stdlib only).

    python3 core/crm/tests/data/import/make_xlsx.py

- customers-vi.xlsx: the customers of customers-vi.csv, cell by cell, written the many ways
  spreadsheet programs write cells: shared strings (plain, rich text, a phonetic run, a
  numeric character reference), inline strings, a formula's cached string, phones stored as
  numbers (Excel's "912345678", pandas' "398765432.0"), birthdays as date serials with a date
  style, an empty column between "Số điện thoại" and "Email", a row whose cells have no `r`,
  styled empty cells. The customers are in the second file of the zip (sheet2.xml): the
  workbook's first visible tab, after a hidden one; sheet1.xml is a "Hướng dẫn" tab. The
  shared strings are stored, everything else deflated. Importing it must give exactly the
  customers of the CSV file (core/crm/tests/crm_xlsx.rs checks it).
- customers-malformed.xlsx: one error of each kind a sheet can have, a missing row 5 (the row
  numbers are the sheet's), a cell right of the header (column I).

The output is deterministic (fixed timestamps) for a given zlib.
"""

import csv
import os
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2025, 1, 1, 0, 0, 0)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def col(n):
    """1 -> A, 27 -> AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def serial(day, month, year):
    """Excel's 1900-system serial of a date after 28 February 1900."""
    import datetime

    return (datetime.date(year, month, day) - datetime.date(1899, 12, 30)).days


class Shared:
    """The shared strings table; raw entries (rich text) are added as they are."""

    def __init__(self):
        self.items = []
        self.index = {}

    def add(self, text):
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append("<si><t xml:space=\"preserve\">%s</t></si>" % escape(text))
        return self.index[text]

    def add_raw(self, si):
        self.items.append(si)
        return len(self.items) - 1

    def xml(self):
        return HEAD + '<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>' % (
            MAIN,
            len(self.items),
            len(self.items),
            "".join(self.items),
        )


def cell(ref, kind, value, style=None):
    """One <c>: kind is 's' (shared index), 'n', 'inline', 'str' (formula result)."""
    r = ' r="%s"' % ref if ref else ""
    s = ' s="%d"' % style if style is not None else ""
    if kind == "s":
        return '<c%s%s t="s"><v>%d</v></c>' % (r, s, value)
    if kind == "n":
        return "<c%s%s><v>%s</v></c>" % (r, s, value)
    if kind == "inline":
        return '<c%s%s t="inlineStr"><is><t>%s</t></is></c>' % (r, s, escape(value))
    if kind == "str":
        return '<c%s%s t="str"><f>TRIM(&quot;%s&quot;)</f><v>%s</v></c>' % (
            r,
            s,
            escape(value),
            escape(value),
        )
    if kind == "empty":
        return "<c%s%s/>" % (r, s)
    raise ValueError(kind)


def sheet(rows, cols="A1:K31"):
    """rows: (number or None, [cell xml]) pairs."""
    body = []
    for number, cells in rows:
        r = ' r="%d"' % number if number else ""
        body.append("<row%s>%s</row>" % (r, "".join(cells)))
    return (
        HEAD
        + '<worksheet xmlns="%s" xmlns:r="%s"><dimension ref="%s"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><sheetData>%s</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>" % (MAIN, REL, cols, "".join(body))
    )


STYLES = (
    HEAD + '<styleSheet xmlns="%s">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>" % MAIN
)


def workbook(sheets):
    """sheets: (name, relationship id, state) in tab order."""
    tabs = "".join(
        '<sheet name="%s" sheetId="%d" %sr:id="%s"/>'
        % (escape(name), i + 1, 'state="%s" ' % state if state else "", rid)
        for i, (name, rid, state) in enumerate(sheets)
    )
    return (
        HEAD + '<workbook xmlns="%s" xmlns:r="%s"><workbookPr/>'
        '<bookViews><workbookView activeTab="1"/></bookViews>'
        "<sheets>%s</sheets></workbook>" % (MAIN, REL, tabs)
    )


def workbook_rels(targets):
    """targets: (id, type, target)."""
    rels = "".join(
        '<Relationship Id="%s" Type="%s/%s" Target="%s"/>' % (rid, REL, kind, target)
        for rid, kind, target in targets
    )
    return HEAD + '<Relationships xmlns="%s">%s</Relationships>' % (PKG_REL, rels)


def content_types(sheet_files):
    overrides = "".join(
        '<Override PartName="/xl/worksheets/%s" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % f
        for f in sheet_files
    )
    return (
        HEAD + '<Types xmlns="%s">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        "%s"
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>" % (CT, overrides)
    )


ROOT_RELS = (
    HEAD + '<Relationships xmlns="%s"><Relationship Id="rId1" '
    'Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (PKG_REL, REL)
)


def write(name, parts, stored=()):
    path = os.path.join(HERE, name)
    with zipfile.ZipFile(path, "w") as z:
        for part, text in parts:
            info = zipfile.ZipInfo(part, date_time=STAMP)
            info.compress_type = zipfile.ZIP_STORED if part in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))
    print("wrote", path, os.path.getsize(path), "bytes")


def book(name, customer_sheet, shared, stored=("xl/sharedStrings.xml",)):
    guide_sheet = sheet(
        [
            (1, [cell("A1", "inline", "Hướng dẫn: điền khách hàng ở tab «Khách hàng».")]),
            (2, [cell("A2", "inline", "Tên, SĐT, Email, Địa chỉ…")]),
        ],
        "A1:A2",
    )
    config_sheet = sheet([(1, [cell("A1", "inline", "Tên"), cell("B1", "inline", "Không phải khách")])], "A1:B1")
    write(
        name,
        [
            ("[Content_Types].xml", content_types(["sheet1.xml", "sheet2.xml", "sheet3.xml"])),
            ("_rels/.rels", ROOT_RELS),
            (
                "xl/workbook.xml",
                workbook([("Cấu hình", "rId3", "hidden"), ("Khách hàng", "rId2", None), ("Hướng dẫn", "rId1", None)]),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                workbook_rels(
                    [
                        ("rId1", "worksheet", "worksheets/sheet1.xml"),
                        ("rId2", "worksheet", "worksheets/sheet2.xml"),
                        ("rId3", "worksheet", "worksheets/sheet3.xml"),
                        ("rId4", "styles", "styles.xml"),
                        ("rId5", "sharedStrings", "sharedStrings.xml"),
                    ]
                ),
            ),
            ("xl/styles.xml", STYLES),
            ("xl/worksheets/sheet1.xml", guide_sheet),
            ("xl/worksheets/sheet2.xml", customer_sheet),
            ("xl/worksheets/sheet3.xml", config_sheet),
            ("xl/sharedStrings.xml", shared.xml()),
        ],
        stored,
    )


def customers_vi():
    with open(os.path.join(HERE, "customers-vi.csv"), encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f, delimiter=";"))
    header, data = table[0], table[1:]
    shared = Shared()
    # Column letters: an empty column D between the phone and the email.
    letters = ["A", "B", "C", "E", "F", "G", "H", "I", "J", "K"]
    rows = [(1, [cell(letters[i] + "1", "s", shared.add(h)) for i, h in enumerate(header)])]
    for n, values in enumerate(data):
        r = n + 2
        cells = []
        no_refs = r == 12  # this row's cells carry no `r`: empty ones are written out
        for i, value in enumerate(values):
            ref = None if no_refs else "%s%d" % (letters[i], r)
            if i == 3 and no_refs:
                cells.append(cell(None, "empty", None, 0))  # column D
            elif i == 3 and r % 4 == 0:
                cells.append(cell("D%d" % r, "empty", None, 2))  # a styled empty cell
            if value == "":
                if no_refs:
                    cells.append(cell(None, "empty", None))
                continue
            name = header[i]
            if i == 0:
                cells.append(cell(ref, "n", value))
            elif name == "Họ và tên" and value == "Trần Văn Minh":
                si = (
                    '<si><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">Trần </t></r>'
                    "<r><rPr><sz val=\"11\"/></rPr><t>Văn Minh</t></r></si>"
                )
                cells.append(cell(ref, "s", shared.add_raw(si)))
            elif name == "Họ và tên" and value == "Lê Thị Hồng Nhung":
                si = "<si><t>L&#234; Th&#x1ECB; H&#7891;ng Nhung</t><rPh sb=\"0\" eb=\"2\"><t>レ</t></rPh></si>"
                cells.append(cell(ref, "s", shared.add_raw(si)))
            elif name == "Họ và tên" and value == "Phạm Quốc Bảo":
                cells.append(cell(ref, "str", value))
            elif name == "Họ và tên" and r % 3 == 0:
                cells.append(cell(ref, "inline", value))
            elif name == "Số điện thoại" and value == "369852147":
                cells.append(cell(ref, "n", value))  # Excel dropped the 0
            elif name == "Số điện thoại" and value == "0398765432":
                cells.append(cell(ref, "n", "398765432.0"))  # pandas writes floats
            elif name == "Ngày sinh" and value.count("/") == 2 and r % 2 == 0:
                d, m, y = (int(p) for p in value.split("/"))
                cells.append(cell(ref, "n", serial(d, m, y), 1))
            else:
                cells.append(cell(ref, "s", shared.add(value)))
        rows.append((None if no_refs else r, cells))
    book("customers-vi.xlsx", sheet(rows), shared)


def customers_malformed():
    shared = Shared()

    def s(ref, text):
        return cell(ref, "s", shared.add(text))

    header = ["Tên", "SĐT", "Email", "Địa chỉ", "Ngày sinh", "Giới tính", "Ghi chú"]
    rows = [(1, [s("%s1" % col(i + 1), h) for i, h in enumerate(header)])]
    rows += [
        (2, [s("A2", "Nguyễn Thị Lan"), s("B2", "0912345678"), s("C2", "lan@gmail.com"),
             s("D2", "12 Lê Lợi, Quận 1, TP HCM"), cell("E2", "n", serial(5, 11, 1992), 1), s("F2", "Nữ")]),
        (3, [s("A3", "Trần Văn Minh"), s("B3", "012345"), s("F3", "Nam")]),
        (4, [cell("A4", "inline", "Lê Thị Nhung"), s("B4", "0905123456"), s("E4", "31/02/1990"), s("F4", "Nữ")]),
        # Row 5 is empty: Excel writes nothing for it.
        (6, [s("A6", "Lan (trùng)"), cell("B6", "n", "912345678"), s("F6", "Nữ"), s("G6", "Trùng số với dòng 2")]),
        (7, [cell("A7", "empty", None, 2), s("C7", "hoa@gmail.com"), s("G7", "Chỉ có email")]),
        (8, [s("A8", "Hoàng Thu Trang"), s("B8", "0779223344"), s("C8", "trang@gmail"), s("F8", "Nữ")]),
        (9, [s("A9", "Đặng Minh Khoa"), s("B9", "0816778899"), s("F9", "N/A")]),
        (10, [s("A10", "Ngô Văn Tài"), s("B10", "0583334455"), s("C10", "tai@gmail.com"),
              s("D10", "23 Trần Hưng Đạo, Quy Nhơn, Bình Định"), s("F10", "Nam"), s("G10", "ghi chú"),
              s("I10", "lạc cột")]),
        (11, [s("A11", "Dương Thị Thu"), s("B11", "0567001122"), cell("E11", "n", "1990"), s("F11", "Nữ")]),
        (12, [s("A12", "Mai Xuân Phúc"), s("B12", "0769998877"), s("F12", "Nam")]),
    ]
    book("customers-malformed.xlsx", sheet(rows, "A1:I12"), shared, stored=())


if __name__ == "__main__":
    customers_vi()
    customers_malformed()
