"""clv.data.xlsx: one sheet of an .xlsx read once, streamed and bounded, with exact whole numbers.

Hostile workbooks are written here by hand (zipfile + XML), so each test shows the exact bytes a bound
is about. Provenance of the numbers: the reported reproductions (the 2,425-byte XFD1048576 dimension bomb
and the 0.9 MB shared string; the ids 123456789012345678 / ...679 that float64 merged)."""

from __future__ import annotations

import io
import random
import subprocess
import sys
import textwrap
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import clv.data
from clv import i18n
from clv.data import xlsx
from clv.data.xlsx import Limits, read_sheet, sheet_names
from clv.errors import DataError

FILES = Path(__file__).parent / "files"
ROOT = Path(__file__).resolve().parents[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE_STYLES = '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
    f"</numFmts>{DATE_STYLES}</styleSheet>"
)


# ----------------------------------------------------------------------------------------------
# Writing workbooks by hand
# ----------------------------------------------------------------------------------------------


def cell(ref: str, value=None, kind: str | None = None, style: int | None = None) -> str:
    """One <c>: a number (kind None), shared string index ("s"), inline text ("inlineStr"), "b", "e", "str"."""
    attrs = f' r="{ref}"' + (f' t="{kind}"' if kind else "") + (f' s="{style}"' if style is not None else "")
    if value is None:
        return f"<c{attrs}/>"
    if kind == "inlineStr":
        return f"<c{attrs}><is><t>{value}</t></is></c>"
    return f"<c{attrs}><v>{value}</v></c>"


def row(number: int | None, *cells: str) -> str:
    return (f'<row r="{number}">' if number is not None else "<row>") + "".join(cells) + "</row>"


def text_row(number: int, *values) -> str:
    """A row of inline text / numbers from column A."""
    out = []
    for j, v in enumerate(values):
        ref = f"{xlsx._column_letter(j + 1)}{number}"
        if v is None:
            continue
        out.append(cell(ref, v, "inlineStr") if isinstance(v, str) else cell(ref, v))
    return row(number, *out)


def sheet_xml(*rows: str, dimension: str | None = None, prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">{dim}<sheetData>{"".join(rows)}</sheetData></worksheet>'
    )


def workbook(
    *sheets,
    shared: list[str] | None = None,
    styles: str | None = STYLES,
    date1904: bool = False,
    extra: dict | None = None,
    shared_xml: str | None = None,
    workbook_prolog: str = "",
) -> bytes:
    """A minimal .xlsx: ``sheets`` are sheet XML strings, or (name, xml) pairs."""
    named = [s if isinstance(s, tuple) else (f"Sheet{i + 1}", s) for i, s in enumerate(sheets)]
    sheet_tags = "".join(
        f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (name, _) in enumerate(named)
    )
    rels = [
        f'<Relationship Id="rId{i + 1}" Type="{RELS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(len(named))
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        pr = '<workbookPr date1904="1"/>' if date1904 else ""
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?>{workbook_prolog}<workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELS}">{pr}<sheets>{sheet_tags}</sheets></workbook>',
        )
        if shared is not None or shared_xml is not None:
            rels.append(f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>')
            z.writestr(
                "xl/sharedStrings.xml",
                shared_xml
                if shared_xml is not None
                else f'<?xml version="1.0"?><sst xmlns="{MAIN}">'
                + "".join(f"<si><t>{s}</t></si>" for s in shared)
                + "</sst>",
            )
        if styles is not None:
            rels.append(f'<Relationship Id="rIdT" Type="{RELS}/styles" Target="styles.xml"/>')
            z.writestr("xl/styles.xml", f'<?xml version="1.0"?>{styles}')
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}">' + "".join(rels) + "</Relationships>",
        )
        for i, (_, xml) in enumerate(named):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return buf.getvalue()


def orders(*body_rows: str) -> bytes:
    """A sheet with the header customer | date | amount in row 1 and the given rows."""
    return workbook(sheet_xml(text_row(1, "customer", "date", "amount"), *body_rows))


def key_of(data: bytes, **kwargs) -> str:
    with pytest.raises(DataError) as err:
        read_sheet(data, **kwargs)
    return err.value.key


def run_limited(code: str, memory_bytes: int = 2**30) -> str:
    """Run ``code`` in a fresh interpreter with at most ``memory_bytes`` of address space; its stdout (a
    hung child fails the test after two minutes)."""
    prelude = f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({memory_bytes}, {memory_bytes}))\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


# ----------------------------------------------------------------------------------------------
# Item 5: unbounded spreadsheets
# ----------------------------------------------------------------------------------------------


def dimension_bomb(far_cell: str = "XFD1048576") -> bytes:
    """The reported 2,425-byte workbook: the sheet declares A1:XFD1048576 and holds one far cell."""
    return workbook(
        sheet_xml(
            text_row(1, "customer", "amount"),
            text_row(2, "C1", 10),
            text_row(3, "C2", 20),
            row(int(far_cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), cell(far_cell, 1)),
            dimension="A1:XFD1048576",
        )
    )


def shared_string_bomb() -> bytes:
    """The reported shared-strings bomb: one 0.9 MB string referenced by 256 cells (232 MB as a column)."""
    rows = [row(r, cell(f"A{r}", 0, "s"), cell(f"B{r}", r)) for r in range(2, 258)]
    return workbook(sheet_xml(text_row(1, "note", "amount"), *rows), shared=["x" * 900_000])


def test_bombs_are_read_fast_in_bounded_memory(tmp_path):
    # openpyxl padded every row of the dimension bomb to 16,384 cells: 581 s for one parse; the shared
    # strings bomb took 19 s and 731 MB. Here each read takes under 10 s in a process limited
    # to 1 GiB of address space, whether the far cell is beyond the columns read or not.
    files = {"far": dimension_bomb("XFD1048576"), "near": dimension_bomb("B1048576"), "text": shared_string_bomb()}
    for name, data in files.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
    stdout = run_limited(f"""
        import time
        from pathlib import Path
        from clv.data.xlsx import read_sheet
        from clv.errors import DataError
        for name in ("far", "near", "text"):
            data = Path({str(tmp_path)!r}, name + ".xlsx").read_bytes()
            started = time.perf_counter()
            try:
                sheet = read_sheet(data)
                outcome = str(sheet.row_numbers.tolist()) + " " + str([c.to_pylist() for c in sheet.columns])
            except DataError as err:
                outcome = err.key + " " + err.values["cell"]
            print(f"{{time.perf_counter() - started:.3f}}", outcome)
    """)
    (far_s, far), (near_s, near), (text_s, text) = (line.split(" ", 1) for line in stdout.splitlines())
    assert far == "data.errors.xlsx_stray_cell XFD1048576" and len(files["far"]) < 4000  # tiny, like the issue's
    assert near == "[2, 3, 1048576] [['C1', 'C2', None], [10, 20, 1]]"
    assert text == "data.errors.xlsx_long_cell A2"
    assert max(float(far_s), float(near_s), float(text_s)) < 10


def test_formatting_only_cells_far_right_cost_nothing():
    # a styled empty cell at XFD on every row (formatting applied to whole rows): no value, no column
    rows = [
        row(r, cell(f"A{r}", f"C{r}", "inlineStr"), cell(f"B{r}", r), cell(f"XFD{r}", None, style=0))
        for r in range(2, 2002)
    ]
    data = workbook(sheet_xml(text_row(1, "customer", "amount"), *rows, dimension="A1:XFD2001"))
    sheet = read_sheet(data)
    assert len(sheet.columns) == 2 and sheet.header == ["customer", "amount"]
    assert sheet.row_numbers[[0, -1]].tolist() == [2, 2001]


def test_stray_cell_far_right_names_the_cell_and_the_limit():
    data = orders(text_row(2, "C1", "2024-01-05", 10), row(5, cell("A5", "C2", "inlineStr"), cell("ZZ5", 7)))
    with pytest.raises(DataError) as err:
        read_sheet(data, filename="shop.xlsx")
    assert err.value.key == "data.errors.xlsx_stray_cell"
    message = str(err.value)
    assert "ZZ5" in message and "column GR" in message and "200" in message and "Delete the stray cells" in message


def test_too_many_columns_keeps_the_existing_key():
    wide = text_row(1, *[f"field{j}" for j in range(1, 251)])
    with pytest.raises(DataError) as err:
        read_sheet(workbook(sheet_xml(wide, text_row(2, *range(250)))))
    assert err.value.key == "data.errors.too_many_columns"
    assert err.value.values["count"] == 201 and err.value.values["limit"] == clv.data.MAX_COLUMNS


def test_column_cap_is_the_one_clv_data_uses():
    assert xlsx.MAX_COLUMNS == clv.data.MAX_COLUMNS


def test_shared_string_bomb_stops_at_excels_cell_limit():
    started = time.perf_counter()
    with pytest.raises(DataError) as err:
        read_sheet(shared_string_bomb())
    assert time.perf_counter() - started < 5
    assert err.value.key == "data.errors.xlsx_long_cell"
    assert err.value.values["cell"] == "A2" and "32,767" in str(err.value)


def test_repeated_long_texts_stop_at_the_text_bound():
    # 256 references to a 30,000-character string (each within Excel's cell limit): 7.7 million characters
    rows = [row(r, cell(f"A{r}", 0, "s")) for r in range(1, 257)]
    data = workbook(sheet_xml(*rows), shared=["y" * 30_000])
    assert key_of(data, limits=Limits(max_text_chars=1_000_000)) == "data.errors.xlsx_text"
    sheet = read_sheet(data)  # within the default bound
    assert sheet.header == ["y" * 30_000] and len(sheet.row_numbers) == 255


def test_shared_strings_table_is_bounded_by_size_and_by_memory():
    strings = [f"customer{i}@example.com" for i in range(2000)]
    data = workbook(sheet_xml(row(1, cell("A1", 0, "s"))), shared=strings)
    assert key_of(data, limits=Limits(max_shared_strings_bytes=20_000)) == "data.errors.xlsx_shared_strings"
    # the XML fits but the table in memory would not: 2,000 entries cost ~56 bytes each beside their text
    xml_size = len(f'<?xml version="1.0"?><sst xmlns="{MAIN}">' + "".join(f"<si><t>{s}</t></si>" for s in strings))
    assert key_of(data, limits=Limits(max_shared_strings_bytes=xml_size + 1)) == "data.errors.xlsx_shared_strings"


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A workbook whose sheet unpacks to ``unpacked_bytes`` (spaces inside the sheet: valid XML)."""
    head = sheet_xml(text_row(1, "customer", "amount"), text_row(2, "C1", 10))
    head, tail = head.split("</sheetData>")
    padding = unpacked_bytes - len(head) - len(tail) - len("</sheetData>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        base = zipfile.ZipFile(io.BytesIO(workbook(sheet_xml())))
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, base.read(info.filename))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            block = b" " * 2**20
            for _ in range(padding // len(block)):
                f.write(block)
            f.write(b" " * (padding % len(block)) + b"</sheetData>" + tail.encode())
    return buf.getvalue()


def test_zip_bomb_member_is_refused_before_unpacking():
    data = zip_bomb(64 * 2**20)  # 64 MB of XML in a file of ~70 kB
    assert len(data) < 200_000
    started = time.perf_counter()
    with pytest.raises(DataError) as err:
        read_sheet(data, limits=Limits(max_unpacked_bytes=16 * 2**20))
    assert time.perf_counter() - started < 1  # refused on the declared size: nothing unpacked
    assert err.value.key == "data.errors.xlsx_unpacked_size" and err.value.values["limit"] == "16"
    assert len(read_sheet(data).row_numbers) == 1  # within the default bound it is an ordinary sheet


def lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s unpacked size given as ``size`` in its local header and directory entry."""
    out, name = bytearray(data), member.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        start = out.find(signature)
        while start >= 0:
            if out[start + name_at : start + name_at + len(name)] == name:
                out[start + size_at : start + size_at + 4] = size.to_bytes(4, "little")
            start = out.find(signature, start + 4)
    return bytes(out)


def test_a_member_larger_than_its_declared_size_is_never_unpacked_past_it():
    sheet = sheet_xml(text_row(1, "customer", "amount"), *[text_row(r, f"C{r}", r) for r in range(2, 20_000)])
    data = lie_about_size(workbook(sheet), "xl/worksheets/sheet1.xml", 1000)  # claims 1 kB, holds ~1 MB
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    with pytest.raises(DataError) as err:
        read_sheet(data)
    assert err.value.key == "data.errors.unreadable"  # zipfile stops at 1 kB: the XML ends early


def test_too_many_zip_members_are_refused_before_zipfile_reads_the_directory():
    data = workbook(
        sheet_xml(text_row(1, "a", "b"), text_row(2, "x", 1)), extra={f"xl/media/image{i}.png": b"" for i in range(50)}
    )
    assert key_of(data, limits=Limits(max_zip_members=20)) == "data.errors.xlsx_zip_members"
    with pytest.raises(DataError) as err:
        sheet_names(data, limits=Limits(max_zip_members=20))
    assert err.value.key == "data.errors.xlsx_zip_members"
    assert sheet_names(data) == ["Sheet1"]


def test_metadata_parts_are_bounded():
    data = orders(text_row(2, "C1", "2024-01-05", 10))
    assert key_of(data, limits=Limits(max_part_bytes=100)) == "data.errors.xlsx_part_size"


def test_rows_cells_and_memory_are_bounded():
    body = [text_row(r, f"C{r}", "2024-01-05", r) for r in range(2, 12)]  # 10 rows x 3 columns
    data = orders(*body)
    assert key_of(data, limits=Limits(max_rows=5)) == "data.errors.xlsx_rows"
    assert key_of(data, limits=Limits(max_cells=20)) == "data.errors.xlsx_cells"
    assert key_of(data, limits=Limits(max_memory_bytes=1000)) == "data.errors.xlsx_memory"
    beyond = orders(text_row(1_048_577, "C1", "2024-01-05", 1))
    assert key_of(beyond) == "data.errors.xlsx_rows"  # past Excel's last row
    assert len(read_sheet(data).row_numbers) == 10


def test_wall_time_is_bounded():
    data = orders(*[text_row(r, f"C{r}", "2024-01-05", r) for r in range(2, 100)])
    with pytest.raises(DataError) as err:
        read_sheet(data, limits=Limits(max_seconds=1e-9))
    assert err.value.key == "data.errors.xlsx_too_slow" and "seconds" in str(err.value)


def test_limits_name_the_field_that_is_wrong():
    with pytest.raises(ValueError, match="max_rows"):
        Limits(max_rows=0)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10))
    + "]>\n"
)


@pytest.mark.parametrize("where", ["sheet", "shared", "workbook"])
def test_entity_declarations_are_refused_in_every_part(where):
    # openpyxl here parses with the standard library (openpyxl.DEFUSEDXML and LXML are False); this reader
    # refuses a DOCTYPE before expat expands anything
    laughs = "<t>&lol9;</t>"
    sheet = sheet_xml(row(1, cell("A1", 0, "s")), prolog=BILLION_LAUGHS if where == "sheet" else "")
    shared_xml = (
        f'<?xml version="1.0"?>{BILLION_LAUGHS if where == "shared" else ""}<sst xmlns="{MAIN}"><si>'
        f"{laughs if where == 'shared' else '<t>x</t>'}</si></sst>"
    )
    if where == "sheet":
        sheet = sheet.replace("<sheetData>", '<sheetData><row r="2"><c r="A2" t="str"><v>&lol9;</v></c></row>')
    data = workbook(sheet, shared_xml=shared_xml, workbook_prolog=BILLION_LAUGHS if where == "workbook" else "")
    started = time.perf_counter()
    with pytest.raises(DataError) as err:
        read_sheet(data)
    assert time.perf_counter() - started < 2
    assert err.value.key == "data.errors.xlsx_doctype"


@pytest.mark.parametrize("token", ["<!--{}-->", '<row r="2" x="{}"/>'])
def test_one_huge_xml_token_is_refused(token):
    # expat holds an unfinished tag or comment in memory; 20 MB of one is not a spreadsheet
    xml = sheet_xml(text_row(1, "a"), text_row(2, 1)).replace(
        "</sheetData>", token.format("z" * 20 * 2**20) + "</sheetData>"
    )
    started = time.perf_counter()
    with pytest.raises(DataError) as err:
        read_sheet(workbook(xml))
    assert time.perf_counter() - started < 5
    assert err.value.key == "data.errors.unreadable" and "XML token" in str(err.value)


def test_hostile_styles_cost_little():
    # a 4 MB format code of "[" (openpyxl's date pattern backtracks on it) used by 60,000 cell formats
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{"[" * 4_000_000}"/>'
        f'</numFmts><cellXfs count="60000">' + '<xf numFmtId="164"/>' * 60_000 + "</cellXfs></styleSheet>"
    )
    data = workbook(sheet_xml(text_row(1, "a"), row(2, cell("A2", 45296, style=5))), styles=styles)
    started = time.perf_counter()
    assert read_sheet(data).columns[0].to_pylist() == [45296]  # not a date format: a number
    assert time.perf_counter() - started < 5


def test_damaged_files_raise_data_errors_never_tracebacks():
    good = orders(*[text_row(r, f"C{r}", "2024-01-05", r * 1.5) for r in range(2, 40)])
    rng = random.Random(11)
    outcomes = set()
    for trial in range(300):
        data = bytearray(good)
        if trial % 3 == 0:
            data = data[: rng.randrange(len(data))]  # truncated upload
        else:
            for _ in range(rng.randint(1, 8)):  # flipped bytes
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            read_sheet(bytes(data))
            outcomes.add("read")
        except DataError as err:
            outcomes.add(err.key)
    assert "data.errors.unreadable" in outcomes
    assert all(o == "read" or i18n.has(o) for o in outcomes)  # only our errors, each with a message


def test_format_sniffing_is_bounded_too():
    assert xlsx.is_workbook((FILES / "two_sheets.xlsx").read_bytes())
    assert not xlsx.is_workbook((FILES / "fake.xlsx").read_bytes())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert not xlsx.is_workbook(buf.getvalue())
    many = workbook(sheet_xml(), extra={f"x/{i}": b"" for i in range(30)})
    with pytest.raises(DataError) as err:
        xlsx.is_workbook(many, Limits(max_zip_members=10))
    assert err.value.key == "data.errors.xlsx_zip_members"


def test_not_a_zip_and_missing_parts_are_unreadable():
    assert key_of(b"customer,date,amount\nC1,2024-01-05,10\n") == "data.errors.unreadable"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert key_of(buf.getvalue()) == "data.errors.unreadable"
    bad_xml = workbook(sheet_xml(text_row(1, "a")).replace("</sheetData>", "<row></sheetData>"))
    assert key_of(bad_xml) == "data.errors.unreadable"


# ----------------------------------------------------------------------------------------------
# Item 6: exact whole numbers, typing from the body
# ----------------------------------------------------------------------------------------------


def test_large_ids_stay_exact_and_distinct():
    # Both became 123456789012345680 through float64, merging customers
    data = orders(
        row(2, cell("A2", "123456789012345678"), cell("C2", 10)),
        row(3, cell("A3", "123456789012345679"), cell("C3", 12.5)),
        row(4, cell("A4", "1.23456789012345678E+17"), cell("C4", 3)),
    )
    sheet = read_sheet(data)
    assert sheet.columns[0].type == pa.int64()
    assert sheet.columns[0].to_pylist() == [123456789012345678, 123456789012345679, 123456789012345678]
    assert sheet.columns[2].type == pa.float64() and sheet.columns[2].to_pylist() == [10.0, 12.5, 3.0]


def test_ids_beyond_int64_become_exact_text():
    data = orders(row(2, cell("A2", "98765432109876543210987")), row(3, cell("A3", "5")))
    assert read_sheet(data).columns[0].to_pylist() == ["98765432109876543210987", "5"]


def test_mixed_columns_keep_every_whole_number_exact_as_text():
    data = orders(
        row(2, cell("A2", "123456789012345678"), cell("C2", 1)),
        row(3, cell("A3", 2.5), cell("C3", "2.0")),
        row(4, cell("A4", "VIP-7", "inlineStr"), cell("C4", "1E3")),
    )
    sheet = read_sheet(data)
    assert sheet.columns[0].to_pylist() == ["123456789012345678", "2.5", "VIP-7"]
    assert sheet.columns[2].type == pa.int64() and sheet.columns[2].to_pylist() == [1, 2, 1000]


def test_ints_and_fractions_make_a_float_column():
    data = orders(row(2, cell("C2", 1)), row(3, cell("C3", 2.25)), row(4, cell("C4", None)))
    sheet = read_sheet(data)
    assert sheet.columns[2].type == pa.float64() and sheet.columns[2].to_pylist() == [1.0, 2.25]
    assert sheet.row_numbers.tolist() == [2, 3]  # row 4 holds no value


def test_date_columns_become_timestamps():
    # serials: 45296 = 2024-01-05 (1900 system), 45296.75 = 18:00; 1462 days later in the 1904 system
    body = [row(2, cell("B2", 45296, style=1), cell("C2", 10)), row(3, cell("B3", "45296.75", style=2), cell("C3", 11))]
    sheet = read_sheet(orders(*body))
    assert sheet.columns[1].type == pa.timestamp("us")
    assert sheet.columns[1].to_pylist() == [datetime(2024, 1, 5), datetime(2024, 1, 5, 18, 0)]
    mac = read_sheet(workbook(sheet_xml(text_row(1, "d"), row(2, cell("A2", 43834, style=1))), date1904=True))
    assert mac.columns[0].to_pylist() == [datetime(2024, 1, 5)]
    mixed = read_sheet(
        orders(
            row(2, cell("B2", 45296, style=1)),
            row(3, cell("B3", "soon", "inlineStr")),
            row(4, cell("B4", "45296.5", style=2)),
        )
    )
    assert mixed.columns[1].to_pylist() == ["2024-01-05", "soon", "2024-01-05 12:00:00"]


def test_other_cell_kinds_read_as_openpyxl_reads_them():
    shared_xml = (
        f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><r><t>Ali</t></r><r><t>ce</t></r>'
        f'<rPh sb="0" eb="1"><t>ignored</t></rPh></si><si><t xml:space="preserve">   </t></si></sst>'
    )
    cells = row(
        2,
        cell("A2", 0, "s"),
        cell("B2", 1, "b"),
        cell("C2", "#N/A", "e"),
        cell("D2", 1, "s"),
        '<c r="E2"><f>SUM(1,2)</f><v>3</v></c>',
        '<c r="F2" t="str"><f>A2</f><v>Alice</v></c>',
        cell("G2", "2024-01-05T10:30:00", "d"),
        cell("H2", "0.5", style=2),
    )
    sheet = read_sheet(workbook(sheet_xml(text_row(1, *"ABCDEFGH"), cells), shared_xml=shared_xml))
    values = [c.to_pylist()[0] for c in sheet.columns]
    assert values == ["Alice", "True", "#N/A", None, 3, "Alice", datetime(2024, 1, 5, 10, 30), "12:00:00"]


def test_prefixed_namespace_is_read():
    xml = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>id'
        f'</x:t></x:is></x:c></x:row><x:row r="3"><x:c r="A3"><x:v>7</x:v></x:c></x:row></x:sheetData>'
        f"</x:worksheet>"
    )
    sheet = read_sheet(workbook(xml))
    assert sheet.header == ["id"] and sheet.columns[0].to_pylist() == [7] and sheet.row_numbers.tolist() == [3]


# ----------------------------------------------------------------------------------------------
# Rows, headers, sheets
# ----------------------------------------------------------------------------------------------


def test_empty_rows_are_skipped_and_row_numbers_are_excels():
    data = workbook(
        sheet_xml(
            row(2, cell("A2", "customer", "inlineStr"), cell("B2", "amount", "inlineStr")),  # row 1 missing
            text_row(3, "C1", 10),
            row(4),  # empty row
            row(5, cell("A5", "   ", "inlineStr"), cell("B5", None, style=1)),  # blanks only
            text_row(7, "C2", 20),
            row(None, '<c t="inlineStr"><is><t>C3</t></is></c><c><v>30</v></c>'),  # no r: 8, A, B
        )
    )
    sheet = read_sheet(data)
    assert sheet.header == ["customer", "amount"]
    assert sheet.row_numbers.dtype == np.int64 and sheet.row_numbers.tolist() == [3, 7, 8]
    assert [c.to_pylist() for c in sheet.columns] == [["C1", "C2", "C3"], [10, 20, 30]]


def test_first_row_of_values_is_data_and_the_caller_may_decide():
    data = workbook(sheet_xml(text_row(1, "C1", "2024-01-05", 10), text_row(2, "C2", "2024-02-05", 20)))
    sheet = read_sheet(data)
    assert sheet.header is None and sheet.names == ["column_1", "column_2", "column_3"]
    assert sheet.row_numbers.tolist() == [1, 2] and sheet.columns[2].to_pylist() == [10, 20]
    seen = []
    forced = read_sheet(data, is_header=lambda cells: seen.append(cells) or True)
    assert seen == [["C1", "2024-01-05", 10]]
    assert forced.header == ["C1", "2024-01-05", 10] and forced.row_numbers.tolist() == [2]


def test_header_is_padded_and_never_types_the_body():
    data = workbook(sheet_xml(text_row(1, "id", None, "id"), text_row(2, 1, 2), text_row(3, 3, 4, None, "x")))
    sheet = read_sheet(data)
    assert sheet.header == ["id", None, "id", None]
    assert sheet.names == ["id", "column_2", "id_2", "column_4"]
    assert [str(c.type) for c in sheet.columns] == ["int64", "int64", "string", "string"]
    assert sheet.table().column("column_4").to_pylist() == [None, "x"]


def test_empty_sheet_and_header_only():
    assert key_of(workbook(sheet_xml(row(1), row(2, cell("A2", " ", "inlineStr"))))) == "data.errors.empty"
    assert key_of(workbook(sheet_xml(text_row(1, "customer", "amount")))) == "data.errors.no_rows"


def test_sheets_by_position_name_and_missing():
    data = workbook(
        ("Orders 2024", sheet_xml(text_row(1, "a"), text_row(2, 1))),
        ("Orders 2025", sheet_xml(text_row(1, "a"), text_row(2, 2), text_row(3, 3))),
    )
    assert sheet_names(data) == ["Orders 2024", "Orders 2025"]
    assert read_sheet(data).name == "Orders 2024"
    assert read_sheet(data, 1).columns[0].to_pylist() == [2, 3]
    assert read_sheet(data, "Orders 2025").name == "Orders 2025"
    for missing in ("Nope", 2, -1, True):
        with pytest.raises(DataError) as err:
            read_sheet(data, missing)
        assert err.value.key == "data.errors.no_sheet" and "Orders 2024, Orders 2025" in str(err.value)


# ----------------------------------------------------------------------------------------------
# Regression: the corpus files read as the previous openpyxl reader read them
# ----------------------------------------------------------------------------------------------


def old_read_xlsx(data: bytes, sheet=None):
    """clv.data._read_xlsx before this module (openpyxl; every number through float), kept as the oracle:
    (sheet name, has header, column names, columns as Python lists)."""
    import openpyxl

    from clv.data.text import column_names, looks_like_value

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    names = list(wb.sheetnames)
    ws_name = names[0] if sheet is None else names[sheet] if isinstance(sheet, int) else sheet
    rows = [
        r for r in wb[ws_name].iter_rows(values_only=True) if any(v is not None and str(v).strip() != "" for v in r)
    ]
    wb.close()
    width = max(len(r) for r in rows)
    rows = [tuple(r) + (None,) * (width - len(r)) for r in rows]
    header = ["" if v is None else str(v) for v in rows[0]]
    has_header = (
        sum(
            looks_like_value(c) or isinstance(v, (int, float, datetime))
            for c, v in zip(header, rows[0])
            if v is not None
        )
        == 0
    )
    body = rows[1:] if has_header else rows

    def cell_text(v):
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, datetime):
            return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else v.strftime("%Y-%m-%d")
        if isinstance(v, date):
            return v.strftime("%Y-%m-%d")
        return str(v) if str(v).strip() else None

    def column(values):
        present = [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]
        if present and all(isinstance(v, (datetime, date)) for v in present):
            return "timestamp", [v if v is not None and not isinstance(v, str) else None for v in values]
        if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            return "double", [float(v) if isinstance(v, (int, float)) else None for v in values]
        return "string", [cell_text(v) for v in values]

    col_names = column_names(header) if has_header else [f"column_{i}" for i in range(1, width + 1)]
    return ws_name, has_header, col_names, [column([r[j] for r in body]) for j in range(width)]


@pytest.mark.parametrize(
    "name, sheet",
    [
        ("two_sheets.xlsx", None),
        ("two_sheets.xlsx", 1),
        ("two_sheets.xlsx", "Orders 2025"),
        ("excel_serial.xlsx", None),
    ],
)
def test_corpus_workbooks_read_as_before(name, sheet):
    data = (FILES / name).read_bytes()
    ws_name, has_header, col_names, columns = old_read_xlsx(data, sheet)
    new = read_sheet(data, sheet, name)
    assert (new.name, new.header is not None, new.names) == (ws_name, has_header, col_names)
    assert new.row_numbers.tolist() == list(range(2, 2 + len(new.columns[0])))  # no blank rows in them
    for (old_type, old_values), typed in zip(columns, new.columns):
        assert typed.to_pylist() == old_values  # 45296 == 45296.0: the same values
        whole = old_type == "double" and all(v is None or v.is_integer() for v in old_values)
        assert str(typed.type) == ("int64" if whole else "timestamp[us]" if old_type == "timestamp" else old_type)


def test_corpus_fake_xlsx_is_unreadable_as_before():
    assert key_of((FILES / "fake.xlsx").read_bytes(), filename="fake.xlsx") == "data.errors.unreadable"
    assert sheet_names((FILES / "two_sheets.xlsx").read_bytes()) == ["Orders 2024", "Orders 2025"]


def test_times_and_durations_are_text_as_before():
    # serial 0.75 in a date format is a time of day (18:00); 1.5 in [h]:mm:ss (built-in 46) a duration
    styles = STYLES.replace(
        DATE_STYLES,
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="46"/></cellXfs>',
    )
    cells = row(2, cell("A2", "0.75", style=1), cell("B2", "1.5", style=3))
    sheet = read_sheet(workbook(sheet_xml(text_row(1, "t", "u"), cells), styles=styles))
    assert [c.to_pylist() for c in sheet.columns] == [["18:00:00"], ["1 day, 12:00:00"]]
