"""Write the corpus of awkward and broken upload files used by tests/test_data_corpus.py, and the
corpus of real-world export shapes in tests/files/exports/ used by tests/test_data_exports_corpus.py.

Run from the repository root: ``python tests/files/make_corpus.py`` (deterministic and byte-identical on
every run, workbooks included; the outputs are committed). Each file is small and built for one
difficulty; the expected outcome of reading it is written out by hand in the test files.

README: which real export each shape in exports/ imitates (see ``_exports`` for each file's arithmetic)

- Shopify "Export orders" CSV: Name, Email, Financial Status, Paid at (blank until paid), Fulfillment
  Status, Currency, Subtotal, Total, Created at ("2024-01-05 10:02:11 -0500"); an order with several
  line items takes one line per item, the order-level fields (Email, Financial Status, Paid at,
  Currency, Total, Created at) only on its first line. Statuses paid, refunded, voided, pending,
  partially_refunded.
- WooCommerce order export (Order Export & Import plugins): Order Number, Order Status ("wc-completed",
  "wc-refunded", "processing", "on-hold"), Order Date, Billing First Name, Billing Email, Order Total Amount.
- Stripe Dashboard "Payments" export (unified_payments.csv): id, Description, Created (UTC), Amount, Amount
  Refunded, Currency (lower case: "usd"), Converted Amount, Fee, Mode, Status (Paid / Failed /
  Refunded), Customer ID, Customer Email.
- PayPal "Activity download" CSV: UTF-8 with a byte-order mark, every field quoted, Date (mm/dd/yyyy),
  Time, TimeZone, Name, Type, Status (Completed / Pending / Denied), Currency, Gross ("1,234.56"), Fee,
  Net, From Email Address, To Email Address, Transaction ID, Balance.
- Google Sheets "File > Download > Comma-separated values": UTF-8 without BOM, CRLF line ends, no line
  end after the last row, cells as displayed ("$1,234.56", "1/5/2024").
- German Excel "CSV (Trennzeichen-getrennt)": Windows-1252 (€ is byte 0x80, curly quotes 0x84/0x93),
  ";", Kunde;Datum;Betrag, "12,50 €", dd.mm.yyyy, sometimes a "sep=;" first line.
- French Excel "CSV (séparateur: point-virgule)": Windows-1252, ";", Client;Date;Montant, "1 234,56 €"
  with a no-break space (0xA0) as thousands mark and before €, dd/mm/yyyy; its "CSV UTF-8" variant
  (BOM) with a narrow no-break space (U+202F) as thousands mark, as recent French locales write it.
- Swiss exports: apostrophe thousands marks ("1'234.56", "2’500.00").
- Arabic store export (Salla/Zid style): UTF-8 with BOM, Arabic headers, statuses مكتمل / ملغي / مسترد,
  amounts in Arabic-Indic digits with the Arabic decimal and thousands marks and "ر.س".
- JSON from APIs: an array of records, a list under one key (Stripe's {"object": "list", "data": [...]}),
  NDJSON (BigQuery / warehouse exports), and the Google Sheets API "values" shape (rows as arrays: not
  records). Parquet from warehouses: nested list<struct> line items, int64 ids, dictionary-encoded text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

# The base log: 6 good rows, 4 customers; days above 12 so d/m vs m/d is decidable.
BASE = [
    ("C1", (2024, 1, 5), 120.50),
    ("C1", (2024, 2, 10), 80.00),
    ("C2", (2024, 1, 20), 1234.56),
    ("C3", (2024, 3, 15), 45.00),
    ("C2", (2024, 4, 1), 60.25),
    ("C4", (2024, 5, 13), 99.99),
]
ARABIC_DIGITS = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")


def fmt_date(d, style: str) -> str:
    y, m, dd = d
    return {
        "iso": f"{y}-{m:02d}-{dd:02d}",
        "dmy": f"{dd:02d}/{m:02d}/{y}",
        "mdy": f"{m:02d}/{dd:02d}/{y}",
        "ymd_slash": f"{y}/{m:02d}/{dd:02d}",
        "dot": f"{dd:02d}.{m:02d}.{y}",
        "time": f"{y}-{m:02d}-{dd:02d} 13:45:00",
        "dmy_short": f"{dd}/{m}/{y}",
    }[style]


def fmt_amount(v: float, style: str) -> str:
    us = f"{v:,.2f}"
    return {
        "plain": f"{v:.2f}",
        "us": us,
        "eu": us.replace(",", "_").replace(".", ",").replace("_", "."),
        "space": us.replace(",", " ").replace(".", ","),
        "usd": "$" + us,
    }[style]


def text_table(header, rows, delim=",", date_style="iso", amount_style="plain", quote_amount=False) -> str:
    out = [delim.join(header)]
    for cust, d, v in rows:
        amount = fmt_amount(v, amount_style)
        if quote_amount or delim in amount:
            amount = f'"{amount}"'
        out.append(delim.join([cust, fmt_date(d, date_style), amount]))
    return "\n".join(out) + "\n"


def write(name: str, content, encoding: str = "utf-8") -> None:
    path = HERE / name
    if isinstance(content, str):
        path.write_bytes(content.encode(encoding))
    else:
        path.write_bytes(content)


def main() -> None:
    H = ["customer_id", "date", "amount"]
    write("utf8.csv", text_table(H, BASE))
    write("utf8_bom.csv", "\ufeff" + text_table(H, BASE))
    write("crlf.csv", text_table(H, BASE).replace("\n", "\r\n"))
    write("utf16_tab.txt", "\ufeff" + text_table(H, BASE, delim="\t"), encoding="utf-16-le")
    arabic_rows = (
        [("أحمد", d, v) for _, d, v in BASE[:2]]
        + [("مريم", d, v) for _, d, v in BASE[2:4]]
        + [("خالد", d, v) for _, d, v in BASE[4:]]
    )
    write("cp1256_arabic.csv", text_table(["رقم العميل", "التاريخ", "المبلغ"], arabic_rows), encoding="cp1256")
    latin_rows = [("Müller", d, v) for _, d, v in BASE[:3]] + [("José", d, v) for _, d, v in BASE[3:]]
    write(
        "latin1_semicolon.csv",
        text_table(["Kunde", "Datum", "Betrag"], latin_rows, delim=";", date_style="dot", amount_style="eu"),
        encoding="latin-1",
    )
    write("semicolon_decimal_comma.csv", text_table(H, BASE, delim=";", amount_style="eu"))
    write("thousands_space.csv", text_table(H, BASE, delim=";", date_style="dmy", amount_style="space"))
    write("us_thousands_quoted.csv", text_table(H, BASE, amount_style="us"))
    write("currency_symbols.csv", text_table(H, BASE, amount_style="usd", quote_amount=True))
    write("tab.tsv", text_table(H, BASE, delim="\t"))
    write("pipe.txt", text_table(H, BASE, delim="|"))
    for style in ("dmy", "mdy", "ymd_slash", "dot", "time", "dmy_short"):
        write(f"dates_{style}.csv", text_table(H, BASE, date_style=style))
    ambiguous = [(c, (y, m, min(d, 12)), v) for c, (y, m, d), v in BASE]
    write("dates_ambiguous.csv", text_table(H, ambiguous, date_style="dmy"))
    arabic_digit_rows = (
        "\n".join(
            ["العميل,التاريخ,القيمة"]
            + [
                f'{c},{fmt_date(d, "dmy").translate(ARABIC_DIGITS)},"{fmt_amount(v, "us").translate(ARABIC_DIGITS)}"'
                for c, d, v in BASE
            ]
        )
        + "\n"
    )
    write("arabic_digits.csv", arabic_digit_rows)
    write(
        "arabic_headers_extra.csv",
        "\n".join(
            ["رقم الطلب,العميل,التاريخ,القيمة,الكمية,المنتج,القناة"]
            + [f"O{i},{c},{fmt_date(d, 'iso')},{v:.2f},{i % 3 + 1},P{i % 2},web" for i, (c, d, v) in enumerate(BASE, 1)]
        )
        + "\n",
    )
    write(
        "headerless.csv",
        "\n".join(
            f"{c[1:]:>05},{i},{d[0]}{d[1]:02d}{d[2]:02d},{i % 3 + 1},{v:.2f}" for i, (c, d, v) in enumerate(BASE, 1)
        )
        + "\n",
    )
    write(
        "extra_columns.csv",
        "\n".join(
            ["order_id,customer_email,order_date,quantity,product,channel,total"]
            + [
                f"O{i},{c.lower()}@example.com,{fmt_date(d, 'iso')},{i % 3 + 1},P{i % 2},app,{v:.2f}"
                for i, (c, d, v) in enumerate(BASE, 1)
            ]
        )
        + "\n",
    )
    # every set-aside reason once (net returns mode keeps the C1 return; C9 returns without a purchase)
    messy = (
        "\n".join(
            [
                "customer_id,date,amount,note",
                "C1,2024-01-05,120.50,ok",
                "C1,2024-02-10,80.00,ok",
                "C2,2024-01-20,60.00,ok",
                "C2,2024-01-20,60.00,ok",  # exact duplicate of the row above
                "C2,2024-01-20,60.00,again",  # same order values but another note: not a duplicate
                ",2024-03-01,10.00,no customer",
                "C3,2024-13-45,10.00,bad date",
                "C3,2024-03-02,ten,bad amount",
                "C3,2024-03-03,0,zero",
                "C1,2024-03-04,-20.00,return",
                "C4,2025-06-01,30.00,future",
                "C9,2024-03-05,-15.00,return without purchase",
                "C5,2024-03-06,25.00,ok,EXTRA,FIELDS",  # malformed: too many fields
                "C5,2024-03-07,25.00,ok",
            ]
        )
        + "\n"
    )
    write("messy.csv", messy)
    write("all_invalid.csv", "customer_id,date,amount\n,2024-01-01,5\nC1,notadate,5\nC2,2024-01-02,abc\n")
    write("single_customer.csv", text_table(H, [("C1", d, v) for _, d, v in BASE]))
    write("empty.csv", b"")
    write("whitespace_only.csv", "  \n\n   \n")
    write("header_only.csv", "customer_id,date,amount\n")
    write("binary.bin", bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8)))
    write("fake.xlsx", text_table(H, BASE))
    write("old_format.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    write("no_date.csv", "customer_id,amount,product\nC1,10,A\nC2,20,B\nC1,30,A\n")
    write("no_amount.csv", "customer_id,date,product\nC1,2024-01-05,A\nC2,2024-01-06,B\nC1,2024-01-07,A\n")
    write("no_customer.csv", "date,amount\n2024-01-05,10.50\n2024-01-06,20.25\n2024-01-07,30.75\n")
    write("one_column.txt", "just some notes\nabout our customers\nnothing tabular here\n")
    write(
        "too_many_columns.csv", ",".join(f"c{i}" for i in range(250)) + "\n" + ",".join("1" for _ in range(250)) + "\n"
    )
    write("all_malformed.csv", "customer_id,date,amount\nC1,2024-01-05,10,x\nC2,2024-01-06,20,y\n")
    write(
        "export.json",
        json.dumps([{"customer_id": c, "date": fmt_date(d, "iso"), "amount": v} for c, d, v in BASE], indent=1) + "\n",
    )
    write(
        "summary_mixed.csv",
        "\n".join(
            [
                "customer_id,frequency,recency,T,monetary_value",
                "A1,0,0,30,0",
                "A2,2,40,120,35.5",
                "A3,1.5,40,120,35.5",  # non-integer frequency
                "A4,3,200,100,20",  # recency > T
                "A5,-1,0,50,0",  # negative
                "A6,0,10,50,0",  # no repeats but recency
                "A7,two,10,50,5",  # non-numeric
                ",1,10,50,5",  # missing customer
                "A2,1,10,50,5",  # duplicate customer
                "A8,4,90,365,80",
            ]
        )
        + "\n",
    )
    write(
        "subscriptions_mixed.csv",
        "\n".join(
            [
                "customer_id,plan,start_date,end_date,monthly_amount",
                "S1,Basic,2024-01-15,,19",
                "S2,Pro,2024-02-01,2024-05-01,49",
                "S3,Pro,2024-03-01,2024-02-01,49",  # end before start
                "S4,Basic,2024-03-01,sometime,19",  # unreadable end date
                "S5,Basic,2024-03-01,,-19",  # negative amount
                "S6,Business,2024-04-10,,99",
            ]
        )
        + "\n",
    )
    _excel_files()
    _parquet_file()
    _exports()


def _excel_files() -> None:
    import openpyxl
    from datetime import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders 2024"
    ws.append(["Customer", "Order date", "Revenue"])
    for c, (y, m, d), v in BASE:
        ws.append([c, datetime(y, m, d), v])
    ws2 = wb.create_sheet("Orders 2025")
    ws2.append(["Customer", "Order date", "Revenue"])
    for c, (y, m, d), v in BASE[:4]:
        ws2.append([c, datetime(y + 1, m, d), v])
    write("two_sheets.xlsx", _xlsx_bytes(wb))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["customer_id", "date", "amount"])
    for c, (y, m, d), v in BASE:
        serial = (datetime(y, m, d) - datetime(1899, 12, 30)).days
        ws.append([c, serial, v])
    write("excel_serial.xlsx", _xlsx_bytes(wb))


def _fixed_times(wb) -> None:
    """Fixed document times, so regenerating gives the same workbook content."""
    from datetime import datetime

    wb.properties.created = wb.properties.modified = datetime(2024, 1, 1)


# openpyxl stamps each zip member, and the "modified" document property, with the time of saving. Both
# are set to this fixed time (when the first workbooks of the corpus were written, so those committed
# files stay byte-identical) and every regeneration gives the same bytes.
XLSX_SAVED = (2026, 11, 23, 9, 28, 40)


def _xlsx_bytes(wb, exact: dict[str, int] | None = None) -> bytes:
    """The workbook as .xlsx bytes that do not depend on when it was saved. ``exact``: cell reference ->
    whole number written with all its digits in the first sheet (openpyxl writes an int beyond 2**53
    through a float: "1.234567890123457e+17"; other writers, and databases' exports, write the digits)."""
    import re
    import zipfile

    _fixed_times(wb)
    buf = io.BytesIO()
    wb.save(buf)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*XLSX_SAVED).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            if info.filename == "xl/worksheets/sheet1.xml":
                for ref, number in (exact or {}).items():
                    body, n = re.subn(
                        rf'(<c r="{ref}"[^>]*><v>)[^<]*(</v>)'.encode(), rf"\g<1>{number}\g<2>".encode(), body
                    )
                    assert n == 1, ref
            fixed = zipfile.ZipInfo(info.filename, date_time=XLSX_SAVED)
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            fixed.create_system = info.create_system
            dst.writestr(fixed, body)
    return out.getvalue()


def _parquet_file() -> None:
    import pandas as pd

    df = pd.DataFrame(
        {
            "customer_id": [c for c, _, _ in BASE],
            "order_ts": pd.to_datetime([f"{y}-{m:02d}-{d:02d}" for _, (y, m, d), _ in BASE]),
            "revenue": [v for _, _, v in BASE],
        }
    )
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    write("typed.parquet", buf.getvalue())


# ----------------------------------------------------------------------------------------------
# exports/: real-world export shapes (tests/test_data_exports_corpus.py). Unless a comment says
# otherwise, a file holds BASE (6 rows, customers C1 C1 C2 C3 C2 C4, dates 2024-01-05 02-10 01-20 03-15
# 04-01 05-13, amounts 120.50 80.00 1234.56 45.00 60.25 99.99) and every row is kept.
# ----------------------------------------------------------------------------------------------

EXPORTS = HERE / "exports"
NBSP, NNBSP = "\u00a0", "\u202f"  # no-break space (French Excel), narrow no-break space (recent locales)
BASE_DAYS = [d for _, d, _ in BASE]


def export(name: str, content, encoding: str = "utf-8") -> None:
    EXPORTS.mkdir(exist_ok=True)
    path = EXPORTS / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)


def lines(*rows: str, end: str = "\n") -> str:
    return end.join(rows) + end


def _exports() -> None:
    _exports_decimals()
    _exports_encodings()
    _exports_layout()
    _exports_dates()
    _exports_json()
    _exports_amounts()
    _exports_payments()
    _exports_parquet()
    _exports_xlsx()


def _exports_decimals() -> None:
    H = "customer_id,date,amount"
    # A "1,5" among decimal-dot values: dot evidence 12.50 7.99 0.25 20.00 (4 distinct) beats comma
    # evidence "1,5" (1), so the column is dot; "1,5" fits only the comma -> ambiguous_decimal (never
    # 15). Read 5, kept 4.
    export(
        "decimal_comma_stray.csv",
        lines(
            H,
            "C1,2024-01-05,12.50",
            "C2,2024-01-06,7.99",
            "C3,2024-01-07,0.25",
            'C1,2024-01-08,"1,5"',
            "C2,2024-01-09,20.00",
        ),
    )
    # "€1.234,50" (dot thousands, comma decimal) among dot values: comma-only, 1 against 4 -> ambiguous.
    export(
        "euro_grouped_among_dots.csv",
        lines(
            H,
            "C1,2024-01-05,12.50",
            "C2,2024-01-06,7.99",
            'C3,2024-01-07,"€1.234,50"',
            "C1,2024-01-08,45.00",
            "C3,2024-01-09,3.10",
        ),
    )
    # "€12,50" among dot values: comma-only, 1 against 4 -> ambiguous. Read 5, kept 4.
    export(
        "euro_comma_among_dots.csv",
        lines(
            H,
            "C1,2024-01-05,12.50",
            "C2,2024-01-06,7.99",
            'C3,2024-01-07,"€12,50"',
            "C1,2024-01-08,45.00",
            "C3,2024-01-09,3.10",
        ),
    )
    # A pure decimal-comma column in a tab-separated file (no ";" to hint at it): "120,50" ... all
    # comma-only evidence -> decimal ",", BASE values.
    export(
        "decimal_comma_tab.tsv",
        lines(
            "customer_id\tdate\tamount", *(f"{c}\t{fmt_date(d, 'iso')}\t{v:.2f}".replace(".", ",") for c, d, v in BASE)
        ),
    )
    # Swiss thousands marks, ASCII apostrophe and typographic ’: 1'234.56, 2’500.00, 12.50, 99.90 (all
    # dot convention; "1'234.56" cannot be read with a decimal comma). Read 4, kept 4.
    export(
        "thousands_apostrophe.csv",
        lines(H, "C1,2024-01-05,1'234.56", "C2,2024-01-06,2’500.00", "C3,2024-01-07,12.50", "C1,2024-01-08,99.90"),
    )
    # "1,234" and "2,500" read 1234 or 1.234, 2500 or 2.5, and no value says which (15 and 300 read
    # the same either way): both ambiguous_decimal, decimal None. Read 4, kept 2 (C3 15, C1 300).
    export(
        "thousands_no_evidence.csv",
        lines(H, 'C1,2024-01-05,"1,234"', 'C2,2024-01-06,"2,500"', "C3,2024-01-07,15", "C1,2024-01-08,300"),
    )


def _exports_encodings() -> None:
    # German Excel, Windows-1252: € (0x80) in every amount, curly quotes „…“ ‚…‘ (0x84 0x93 0x82 0x91)
    # in a note, ü ß ä in names; no two high bytes adjacent. Customers Müller Müller Weiß Weiß Jäger Jäger
    # (3), BASE dates and amounts, decimal comma, every amount in EUR.
    names = ["Müller", "Müller", "Weiß", "Weiß", "Jäger", "Jäger"]
    notes = ["„Stammkunde“", "", "Rabatt ‚Winter‘", "", "", "„Neu“"]
    export(
        "german_excel_euro.csv",
        lines(
            "Kunde;Datum;Betrag;Notiz",
            *(
                f"{n};{fmt_date(d, 'dot')};{fmt_amount(v, 'eu')} €;{note}"
                for n, (_, d, v), note in zip(names, BASE, notes)
            ),
            end="\r\n",
        ),
        encoding="cp1252",
    )
    # € only in the header (one high byte in the file): Windows-1252, the column reads "Umsatz (€)".
    export(
        "german_euro_header.csv",
        lines(
            "Kunde;Datum;Umsatz (€)",
            *(f"K-100{c[1:]};{fmt_date(d, 'dot')};{fmt_amount(v, 'eu')}" for c, d, v in BASE),
            end="\r\n",
        ),
        encoding="cp1252",
    )
    # English Excel on Windows, Windows-1252: O’Brien (’ 0x92), “Deluxe” (0x93 0x94), – (0x96), Zoë;
    # US dates m/d/Y (days 20, 15, 13 decide), "1,234.56" quoted. Customers O’Brien D’Souza Zoë (3).
    custs = ["O’Brien", "O’Brien", "D’Souza", "D’Souza", "Zoë", "Zoë"]
    products = ["“Deluxe” gift box", "Tea – green", "“Deluxe” gift box", "Mug", "Mug", "Tea – green"]
    export(
        "cp1252_curly_quotes.csv",
        lines(
            "Customer,Order Date,Product,Amount",
            *(
                f"{c},{fmt_date(d, 'mdy')},{p},"
                f"{fmt_amount(v, 'us') if v < 1000 else chr(34) + fmt_amount(v, 'us') + chr(34)}"
                for c, p, (_, d, v) in zip(custs, products, BASE)
            ),
            end="\r\n",
        ),
        encoding="cp1252",
    )
    # French Excel, Windows-1252: "1 234,56 €" with 0xA0 as thousands mark and before €, dd/mm/yyyy.
    # High bytes: names 4 + 2 + 4 (é è, ç, é ô; none adjacent), amounts 6 x (0xA0 0x80) + one 0xA0 = 13,
    # of which 6 pairs: 6/23 < 1/2, so Western (cp1252), not Arabic. Customers Hélène François Jérôme.
    fr = ["Hélène", "Hélène", "François", "François", "Jérôme", "Jérôme"]

    def fr_amount(v, sep):
        return f"{v:,.2f}".replace(",", sep).replace(".", ",") + NBSP + "€"

    export(
        "french_excel.csv",
        lines(
            "Client;Date;Montant",
            *(f"{n};{fmt_date(d, 'dmy')};{fr_amount(v, NBSP)}" for n, (_, d, v) in zip(fr, BASE)),
            end="\r\n",
        ),
        encoding="cp1252",
    )
    # French "CSV UTF-8": BOM, narrow no-break space (U+202F) as thousands mark. Same outcome.
    export(
        "french_excel_utf8_nnbsp.csv",
        "\ufeff"
        + lines(
            "Client;Date;Montant",
            *(f"{n};{fmt_date(d, 'dmy')};{fr_amount(v, NNBSP)}" for n, (_, d, v) in zip(fr, BASE)),
            end="\r\n",
        ),
    )
    # UTF-8 with two stray Latin-1 bytes (é = 0xE9): one in a note (row 3, kept), one in a customer id
    # (row 5, "Ren\xe9": undecodable_customer). Valid multi-byte characters: é é ë ë Ł = 5, stray 2 <= 3:
    # stays UTF-8. undecodable_rows 2; read 6, kept 5; customers José Zoë Łukasz (3).
    export(
        "utf8_stray_byte.csv",
        b"customer_id,date,amount,note\n"
        + "José,2024-01-05,120.50,primera compra\n".encode()
        + "José,2024-02-10,80.00,\n".encode()
        + "Zoë,2024-01-20,1234.56,caf".encode()
        + b"\xe9\n"
        + "Zoë,2024-03-15,45.00,\n".encode()
        + b"Ren\xe9,2024-04-01,60.25,\n"
        + "Łukasz,2024-05-13,99.99,\n".encode(),
    )

    # Google Sheets download: CRLF, no line end after the last row, "$1,234.56" quoted, dates 1/5/2024
    # (m/d/Y without zeros; 20, 15, 13 decide). BASE values; every amount in "$".
    def shown(v):
        return f'"${fmt_amount(v, "us")}"' if v >= 1000 else f"${fmt_amount(v, 'us')}"

    gs = ["Customer,Order Date,Amount"] + [f"{c},{d[1]}/{d[2]}/{d[0]},{shown(v)}" for c, d, v in BASE]
    export("google_sheets.csv", "\r\n".join(gs))
    # Arabic store export (UTF-8 with BOM): Arabic-Indic digits, "٫" decimal and "٬" thousands marks, "ر.س";
    # statuses: rows 1 2 3 5 مكتمل (completed), row 4 ملغي (cancelled), row 6 مسترد (refunded) -> not_paid 2.
    # Read 6, kept 4 (customers أحمد مريم خالد), every amount SAR.
    statuses = ["مكتمل", "مكتمل", "مكتمل", "ملغي", "مكتمل", "مسترد"]
    ar_names = ["أحمد", "أحمد", "مريم", "مريم", "خالد", "خالد"]
    export(
        "arabic_store_export.csv",
        "\ufeff"
        + lines(
            "رقم الطلب,العميل,تاريخ الطلب,حالة الطلب,الإجمالي,العملة",
            *(
                f"{1000 + i},{n},{fmt_date(d, 'iso')},{s},{fmt_amount(v, 'us').translate(ARABIC_DIGITS)} ر.س,SAR"
                for i, (n, s, (_, d, v)) in enumerate(zip(ar_names, statuses, BASE), 1)
            ),
        ),
    )


def _exports_layout() -> None:
    H = "customer_id,date,amount"
    base_lines = [f"{c},{fmt_date(d, 'iso')},{v:.2f}" for c, d, v in BASE]
    # Headerless, first row with no bare number: alice@x.com,5 Jan 2024,$10.00 (an e-mail, a date in
    # words, an amount with its sign). Read as data: 5 rows read and kept; alice bob alice carol bob (3).
    export(
        "headerless_email.csv",
        lines(
            "alice@x.com,5 Jan 2024,$10.00",
            "bob@x.com,6 Jan 2024,$25.50",
            "alice@x.com,20 Feb 2024,$12.00",
            "carol@x.com,3 Mar 2024,$8.75",
            "bob@x.com,15 Mar 2024,$30.00",
        ),
    )
    # Headerless, every field quoted, names, "Jan 5, 2024", "USD 12.50": 5 rows, customers Anna Ben Cleo.
    export(
        "headerless_quoted.csv",
        lines(
            '"Anna Schmidt","Jan 5, 2024","USD 12.50"',
            '"Ben Ode","Jan 6, 2024","USD 25.00"',
            '"Anna Schmidt","Feb 20, 2024","USD 7.25"',
            '"Cleo Park","Mar 3, 2024","USD 40.00"',
            '"Ben Ode","Mar 15, 2024","USD 9.99"',
        ),
    )
    # Records spanning lines (quoted notes) and a malformed line. Records: 1 C1 ok (2 lines), 2 C2 ok,
    # 3 C3 "ten" (3 lines) non_numeric_amount, 4 C1 ok, 5 C4 "soon" unreadable_date, 6 C2 five fields
    # malformed_row, 7 C4 ok (2 lines). Read 7, kept 4 (C1 C2 C1 C4), set aside rows 3, 5, 6.
    export(
        "multiline_notes.csv",
        lines(
            "customer_id,date,amount,note",
            'C1,2024-01-05,120.50,"Gift wrap,',
            'please"',
            "C2,2024-01-20,1234.56,ok",
            'C3,2024-03-15,ten,"Call before',
            "delivery",
            '(back door)"',
            "C1,2024-02-10,80.00,ok",
            "C4,soon,99.99,ok",
            "C2,2024-04-01,60.25,ok,EXTRA",
            'C4,2024-05-13,99.99,"two',
            'lines"',
        ),
    )
    # Lines of spaces and tabs between records (4 of them, the last at the end): not rows, not malformed.
    # Records: BASE with C3's 45.00 written 0 -> zero_amount at record 4. Read 6, kept 5, blank_lines 4.
    rows = [ln if not ln.startswith("C3") else "C3,2024-03-15,0" for ln in base_lines]
    export(
        "blank_space_lines.csv",
        lines(H, rows[0], "   ", rows[1], rows[2], "\t", rows[3], "  \t  ", rows[4], rows[5], "    "),
    )
    # A title line above the header (1 field where the table has 3): skipped and reported.
    export("title_line.csv", lines("Orders export 2024-01-01 to 2024-06-30", H, *base_lines))
    # Excel's "sep=;" hint on the first line, then a German table (dd.mm.yyyy, "1.234,56").
    export(
        "sep_hint.csv",
        lines(
            "sep=;",
            "Kunde;Datum;Betrag",
            *(f"{c};{fmt_date(d, 'dot')};{fmt_amount(v, 'eu')}" for c, d, v in BASE),
            end="\r\n",
        ),
    )
    # 512 NUL bytes after the last line (a fixed-size buffer written out whole).
    export("nul_padding.csv", lines(H, *base_lines).encode() + b"\x00" * 512)


def _exports_dates() -> None:
    H = "customer_id,date,amount"
    # Shopify-style times with UTC offsets: the day written is kept (offset dropped, never applied), so
    # "2024-03-02 23:30 -0500" is 2 March (in UTC it would be 3 March) and "2024-05-13 01:00 +0530" is
    # 13 May (in UTC 12 May). Dates 01-05 02-10 01-20 03-02 04-01 05-13; amounts BASE.
    days = [
        "2024-01-05 23:30 -0500",
        "2024-02-10 23:30 -0500",
        "2024-01-20 23:30 -0500",
        "2024-03-02 23:30 -0500",
        "2024-04-01 23:30 -0500",
        "2024-05-13 01:00 +0530",
    ]
    export("dates_utc_offset.csv", lines(H, *(f"{c},{day},{v:.2f}" for (c, _, v), day in zip(BASE, days))))
    from datetime import date as _date

    # "Jan 5, 2024" (US long dates, quoted for their comma); BASE.
    export("dates_month_day_year.csv", lines(H, *(f'{c},"{_date(*d):%b} {d[2]}, {d[0]}",{v:.2f}' for c, d, v in BASE)))
    # "05-Jan-24" (Excel's dd-mmm-yy); BASE.
    export("dates_dd_mon_yy.csv", lines(H, *(f"{c},{_date(*d):%d-%b-%y},{v:.2f}" for c, d, v in BASE)))
    # "Fri, 05 Jan 2024" (RFC 2822 dates, weekday included, quoted); BASE.
    export("dates_weekday.csv", lines(H, *(f'{c},"{_date(*d):%a, %d %b %Y}",{v:.2f}' for c, d, v in BASE)))
    # Mixed formats: the 6 BASE rows in ISO and 2 rows in d/m/Y (rows 4 and 8): the majority (ISO) is
    # kept, the other 2 are unreadable_date and counted in date_other_format. Read 8, kept 6.
    iso = [f"{c},{fmt_date(d, 'iso')},{v:.2f}" for c, d, v in BASE]
    export("dates_mixed_formats.csv", lines(H, *iso[:3], "C5,15/06/2024,10.00", *iso[3:], "C1,20/07/2024,20.00"))


def _exports_json() -> None:
    recs = [{"customer_id": c, "date": fmt_date(d, "iso"), "amount": v} for c, d, v in BASE]
    # A JSON array saved with a .csv name (read by its content).
    export("json_array.csv", json.dumps(recs, indent=1) + "\n")
    # NDJSON, one record per line; line 4 is cut short (a truncated write): malformed_row at record 4.
    nd = [json.dumps(r) for r in recs]
    export("orders.ndjson", lines(*nd[:3], '{"customer_id": "C9", "date": "2024-03-', *nd[3:]))
    # Records as a list under one key (Stripe's list object), next to keys that are not lists.
    export(
        "json_under_key.json",
        json.dumps({"object": "list", "data": recs, "has_more": False, "url": "/v1/charges"}, indent=1) + "\n",
    )
    # The Google Sheets API "values" shape: rows as arrays, not records -> data.errors.json_shape.
    export(
        "sheets_api_values.json",
        json.dumps(
            {
                "range": "Sheet1!A1:C7",
                "majorDimension": "ROWS",
                "values": [
                    ["customer_id", "date", "amount"],
                    *[[c, fmt_date(d, "iso"), f"{v:.2f}"] for c, d, v in BASE],
                ],
            }
        )
        + "\n",
    )
    # A subscriptions list with no start date at all (a billing dashboard's "active subscriptions"
    # view): read_subscriptions -> data.errors.no_start_date.
    export(
        "subscriptions_no_start.csv",
        lines(
            "Customer Email,Plan,Interval,Amount,Status",
            "ann@example.com,Pro,month,49.00,active",
            "bob@example.com,Basic,month,19.00,active",
            "cy@example.com,Pro,month,49.00,past_due",
        ),
    )


def _exports_amounts() -> None:
    H = "customer_id,date,amount"
    base_lines = [f"{c},{fmt_date(d, 'iso')},{v:.2f}" for c, d, v in BASE]
    # 1e308 (finite, far beyond any order) and 1e400 (beyond a float): implausible_amount 2. Read 8, kept 6.
    export("implausible_1e308.csv", lines(H, *base_lines, "C5,2024-06-01,1e308", "C6,2024-06-02,1e400"))
    # A card number pasted into the amount column: 4111111111111111 > 1e12 (clv.data.amounts.MAX_ABS_AMOUNT,
    # set so that large orders in currencies such as the rial still fit) is implausible_amount. Read 7, kept 6.
    export("implausible_card_number.csv", lines(H, *base_lines, "C5,2024-06-01,4111111111111111"))
    # "inf", "NaN", "-Infinity" are not amounts (non_numeric_amount 3); customers literally named "NA" and
    # "null" are customers. Read 7, kept 4 (NA NA C2 null: 3 customers).
    export(
        "inf_nan_customer_na.csv",
        lines(
            H,
            "NA,2024-01-05,120.50",
            "NA,2024-02-10,80.00",
            "C2,2024-01-20,inf",
            "C3,2024-03-15,NaN",
            "C2,2024-04-01,60.25",
            "C3,2024-05-13,-Infinity",
            "null,2024-06-01,5.00",
        ),
    )
    # A currency column with two currencies: USD rows 1 2 4 6, EUR rows 3 5 and "eur" row 7 (lower case,
    # as Stripe writes it). USD is the more frequent (4 against 3): other_currency 3. Read 7, kept 4.
    cur = ["USD", "USD", "EUR", "USD", "EUR", "USD"]
    export(
        "two_currencies.csv",
        lines(H + ",currency", *(f"{ln},{c}" for ln, c in zip(base_lines, cur)), "C5,2024-06-01,10.00,eur"),
    )
    # Currency signs in the amount column: "$" on rows 1 2 3 5, "€" on rows 4 and 6. "$" is the more
    # frequent (4 against 2): other_currency 2 (C3 45.00, C4 99.99). Read 6, kept 4 (C1 C1 C2 C2).
    signs = ["$", "$", "$", "€", "$", "€"]
    export(
        "mixed_currency_signs.csv",
        lines(H, *(f'{c},{fmt_date(d, "iso")},"{s}{fmt_amount(v, "us")}"' for s, (c, d, v) in zip(signs, BASE))),
    )
    # E-mail ids differing only in case: Ann@Shop.com / ann@shop.com and BOB@X.COM / bob@x.com, so 2
    # customers were written in two cases; 4 customers (ann bob cy dee). Read 6, kept 6.
    mails = ["Ann@Shop.com", "ann@shop.com", "BOB@X.COM", "cy@x.com", "bob@x.com", "dee@x.com"]
    export(
        "email_case.csv",
        lines(
            "customer_email,date,amount", *(f"{m},{fmt_date(d, 'iso')},{v:.2f}" for m, (_, d, v) in zip(mails, BASE))
        ),
    )
    # One customer written in three cases (Ann@Shop.com, ann@shop.com, ANN@SHOP.COM): 1 customer merged;
    # 3 customers (ann bob cy). Read 5, kept 5.
    export(
        "email_case_three_spellings.csv",
        lines(
            "customer_email,date,amount",
            "Ann@Shop.com,2024-01-05,120.50",
            "ann@shop.com,2024-02-10,80.00",
            "ANN@SHOP.COM,2024-03-01,30.00",
            "bob@x.com,2024-01-20,45.00",
            "cy@x.com,2024-04-01,60.25",
        ),
    )
    # A return: C1 -12.50 on 2024-02-01 (data row 2). Net mode keeps it (returns_netted 1); set-aside mode:
    # negative_amount 1, read 4, kept 3.
    export(
        "returns_negative.csv",
        lines(H, "C1,2024-01-05,120.50", "C1,2024-02-01,-12.50", "C2,2024-01-20,80.00", "C3,2024-03-15,45.00"),
    )


def _exports_payments() -> None:
    # Shopify orders, one line per order. Paid at is blank until paid (pending, voided). Statuses: #1001
    # #1002 #1007 #1008 paid, #1005 partially_refunded (paid, part refunded: counts), #1003 refunded,
    # #1004 pending, #1006 voided -> not_paid 3. All USD. Read 8, kept 5 (ann ann cy eve bob: 4 customers).
    H = "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Total,Created at"
    orders = [  # name, email, status, paid at, fulfilment, subtotal, total, created at (all -0500)
        (
            "#1001",
            "ann@example.com",
            "paid",
            "2024-01-05 10:02:11",
            "fulfilled",
            "110.50",
            "120.50",
            "2024-01-05 10:01:57",
        ),
        (
            "#1002",
            "ann@example.com",
            "paid",
            "2024-02-10 16:40:03",
            "fulfilled",
            "75.00",
            "80.00",
            "2024-02-10 16:39:50",
        ),
        (
            "#1003",
            "bob@example.com",
            "refunded",
            "2024-01-20 09:12:44",
            "restocked",
            "50.00",
            "55.00",
            "2024-01-20 09:12:30",
        ),
        ("#1004", "cy@example.com", "pending", "", "unfulfilled", "20.00", "20.00", "2024-03-01 11:00:00"),
        (
            "#1005",
            "cy@example.com",
            "partially_refunded",
            "2024-03-02 12:30:00",
            "fulfilled",
            "40.00",
            "45.00",
            "2024-03-02 12:29:41",
        ),
        ("#1006", "dee@example.com", "voided", "", "unfulfilled", "9.00", "9.00", "2024-03-03 08:15:00"),
        (
            "#1007",
            "eve@example.com",
            "paid",
            "2024-03-04 19:05:09",
            "fulfilled",
            "89.99",
            "99.99",
            "2024-03-04 19:04:58",
        ),
        ("#1008", "bob@example.com", "paid", "2024-04-01 07:45:00", "partial", "55.25", "60.25", "2024-04-01 07:44:31"),
    ]
    export(
        "shopify_orders.csv",
        lines(
            H,
            *(
                f"{n},{e},{s},{p + ' -0500' if p else ''},{f},USD,{sub},{t},{c} -0500"
                for n, e, s, p, f, sub, t, c in orders
            ),
        ),
    )
    # Shopify orders with several line items: the order-level fields only on each order's first line.
    # Lines: #1001 x2, #1002 x1, #1003 (refunded) x2, #1004 x3, #1005 x1 = 9; the 4 later lines have no
    # e-mail -> missing_customer 4; #1003 -> not_paid 1. Read 9, kept 4: totals 120.50 80.00 1234.56 99.99
    # once each (customers ann bob cy dee), with the first line's quantity 1 2 1 3.
    H = "Name,Email,Financial Status,Paid at,Currency,Total,Lineitem quantity,Lineitem name,Lineitem price,Created at"
    items = [
        (
            "#1001",
            "ann@example.com",
            "paid",
            "2024-01-05 10:02:11 -0500",
            "120.50",
            [(1, "Tea", "20.50"), (2, "Mug", "50.00")],
        ),
        ("#1002", "bob@example.com", "paid", "2024-02-10 16:40:03 -0500", "80.00", [(2, "Mug", "40.00")]),
        (
            "#1003",
            "ann@example.com",
            "refunded",
            "2024-01-20 09:12:44 -0500",
            "55.00",
            [(1, "Tea", "20.00"), (1, "Tin", "35.00")],
        ),
        (
            "#1004",
            "cy@example.com",
            "paid",
            "2024-03-15 12:30:00 -0500",
            "1234.56",
            [(1, "Kettle", "1000.00"), (3, "Tea", "60.00"), (1, "Tray", "54.56")],
        ),
        ("#1005", "dee@example.com", "paid", "2024-05-13 19:05:09 -0500", "99.99", [(3, "Mug", "33.33")]),
    ]
    out = []
    for name, mail, status, paid, total, lineitems in items:
        for k, (qty, item, price) in enumerate(lineitems):
            order_level = f"{mail},{status},{paid},USD,{total}" if k == 0 else ",,,,"
            out.append(f"{name},{order_level},{qty},{item},{price},{paid if k == 0 else ''}")
    export("shopify_line_items.csv", lines(H, *out))
    # WooCommerce: completed (wc-completed) and processing (payment received, awaiting shipping) count;
    # wc-refunded, on-hold, wc-cancelled, wc-failed -> not_paid 4. Read 8, kept 4 (#1001 #1002 #1004 #1006;
    # customers ann bob cy).
    woo = [
        ("1001", "wc-completed", "2024-01-05 14:03", "Ann", "ann@example.com", "120.50"),
        ("1002", "wc-completed", "2024-02-10 09:12", "Ann", "ann@example.com", "80.00"),
        ("1003", "wc-refunded", "2024-01-20 17:55", "Bob", "bob@example.com", "1234.56"),
        ("1004", "processing", "2024-03-15 08:30", "Bob", "bob@example.com", "45.00"),
        ("1005", "on-hold", "2024-04-01 11:11", "Cy", "cy@example.com", "60.25"),
        ("1006", "wc-completed", "2024-05-13 20:20", "Cy", "cy@example.com", "99.99"),
        ("1007", "wc-cancelled", "2024-05-20 10:00", "Dee", "dee@example.com", "15.00"),
        ("1008", "wc-failed", "2024-05-21 10:05", "Dee", "dee@example.com", "15.00"),
    ]
    export(
        "woocommerce_orders.csv",
        lines(
            '"Order Number","Order Status","Order Date","Billing First Name","Billing Email","Order Total Amount"',
            *(",".join(f'"{x}"' for x in row) for row in woo),
        ),
    )
    # Stripe payments: Paid counts; Failed (ch_3) and Refunded (ch_4) -> not_paid 2; ch_5 paid in "eur"
    # while "usd" is the more frequent (6 against 1) -> other_currency 1. Read 7, kept 4 (ch_1 ch_2 ch_6
    # ch_7; customers cus_PA1 cus_PC3 cus_PD4). Customer ID comes before Customer Email, as in Stripe's file.
    H = (
        "id,Description,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,Fee,Mode,Status,"
        "Customer ID,Customer Email"
    )
    stripe = [
        ("ch_3Ox1", "2024-01-05 15:04:12", "120.50", "0.00", "usd", "Paid", "cus_PA1", "ann@example.com"),
        ("ch_3Ox2", "2024-02-10 09:30:00", "80.00", "0.00", "usd", "Paid", "cus_PA1", "ann@example.com"),
        ("ch_3Ox3", "2024-01-20 22:01:40", "1234.56", "0.00", "usd", "Failed", "cus_PB2", "bob@example.com"),
        ("ch_3Ox4", "2024-03-15 13:13:13", "45.00", "45.00", "usd", "Refunded", "cus_PB2", "bob@example.com"),
        ("ch_3Ox5", "2024-04-01 06:00:00", "60.25", "0.00", "eur", "Paid", "cus_PC3", "cy@example.com"),
        ("ch_3Ox6", "2024-05-13 18:45:00", "99.99", "0.00", "usd", "Paid", "cus_PC3", "cy@example.com"),
        ("ch_3Ox7", "2024-05-14 10:00:00", "30.00", "0.00", "usd", "Paid", "cus_PD4", "dee@example.com"),
    ]
    export(
        "stripe_payments.csv",
        lines(
            H,
            *(
                f"{i},Order {1000 + k},{t},{a},{r},{c},{a},{float(a) * 0.029 + 0.30:.2f},Live,{s},{cid},{mail}"
                for k, (i, t, a, r, c, s, cid, mail) in enumerate(stripe, 1)
            ),
        ),
    )
    # PayPal activity: BOM, every field quoted, "1,234.56". Completed counts; Pending (row 4) and Denied
    # (row 5) -> not_paid 2. Read 7, kept 5 (ann ann bob cy ann: 3 customers). Dates m/d/Y.
    pp = [
        ("01/05/2024", "Ann Lee", "Website Payment", "Completed", "120.50", "ann@example.com", "1AB01"),
        ("02/10/2024", "Ann Lee", "Express Checkout Payment", "Completed", "80.00", "ann@example.com", "1AB02"),
        ("01/20/2024", "Bob Roe", "Website Payment", "Completed", "1,234.56", "bob@example.com", "1AB03"),
        ("03/15/2024", "Bob Roe", "Website Payment", "Pending", "45.00", "bob@example.com", "1AB04"),
        ("04/01/2024", "Cy Dee", "Website Payment", "Denied", "60.25", "cy@example.com", "1AB05"),
        ("05/13/2024", "Cy Dee", "Website Payment", "Completed", "99.99", "cy@example.com", "1AB06"),
        ("05/14/2024", "Ann Lee", "Website Payment", "Completed", "1,050.00", "ann@example.com", "1AB07"),
    ]
    head = [
        "Date",
        "Time",
        "TimeZone",
        "Name",
        "Type",
        "Status",
        "Currency",
        "Gross",
        "Fee",
        "Net",
        "From Email Address",
        "To Email Address",
        "Transaction ID",
        "Balance",
    ]
    body = []
    for d, name, kind, status, gross, mail, tid in pp:
        g = float(gross.replace(",", ""))
        fee = -round(g * 0.0349 + 0.49, 2)
        body.append(
            [
                d,
                "10:15:02",
                "PST",
                name,
                kind,
                status,
                "USD",
                gross,
                f"{fee:.2f}",
                f"{g + fee:,.2f}",
                mail,
                "shop@example.com",
                f"{tid}CD7890123",
                "0.00",
            ]
        )
    export("paypal_activity.csv", "\ufeff" + lines(*(",".join(f'"{x}"' for x in r) for r in [head, *body])))


def _exports_parquet() -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from datetime import datetime

    def save(name: str, table) -> None:
        buf = io.BytesIO()
        pq.write_table(table, buf)
        export(name, buf.getvalue())

    stamps = pa.array([datetime(*d, 9, 30) for d in BASE_DAYS], pa.timestamp("us"))
    amounts = pa.array([v for _, _, v in BASE], pa.float64())
    # Warehouse order table: a nested list<struct> column of line items (read as compact JSON text).
    item = pa.struct([("sku", pa.string()), ("quantity", pa.int64()), ("price", pa.float64())])

    def line(sku, quantity, price):
        return {"sku": sku, "quantity": quantity, "price": price}

    items = pa.array(
        [
            [line("TEE-1", 2, 60.25)],
            [line("MUG-2", 1, 80.0)],
            [line("KET-3", 1, 1200.0), line("TEA-4", 1, 34.56)],
            [],
            [line("TEE-1", 1, 60.25)],
            None,
        ],
        pa.list_(item),
    )
    save(
        "parquet_nested.parquet",
        pa.table(
            {
                "order_id": pa.array([f"O{i}" for i in range(1, 7)]),
                "customer_id": pa.array([c for c, _, _ in BASE]),
                "created_at": stamps,
                "total_price": amounts,
                "line_items": items,
            }
        ),
    )
    # int64 customer ids beyond 2**53 that one float64 cannot tell apart: 2**53 + 3 and 2**53 + 4 both
    # round to 9007199254740996.0. Rows 1-3 the first, rows 4-6 the second: 2 customers. Channel as a
    # dictionary-encoded string column (web pos web pos web pos).
    ids = pa.array([2**53 + 3] * 3 + [2**53 + 4] * 3, pa.int64())
    channel = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0, 1, 0, 1], pa.int32()), pa.array(["web", "pos"]))
    save(
        "parquet_big_ids.parquet",
        pa.table({"customer_id": ids, "order_date": stamps, "amount": amounts, "channel": channel}),
    )
    # Whole-number amounts as int64, one beyond 2**53 (2**53 + 10, far above any order): implausible_amount
    # at row 5. Read 6, kept 5 (amounts 120 80 1234 45 99).
    save(
        "parquet_int64_amount.parquet",
        pa.table(
            {
                "customer_id": pa.array([c for c, _, _ in BASE]),
                "date": pa.array([datetime(*d).date() for d in BASE_DAYS]),
                "amount": pa.array([120, 80, 1234, 45, 2**53 + 10, 99], pa.int64()),
            }
        ),
    )


def _exports_xlsx() -> None:
    import openpyxl
    from datetime import datetime

    # Ids 123456789012345678 and ...679 as numeric cells with all their digits (<v>123456789012345678</v>;
    # one float64 holds both as 1.2345678901234568e17): two customers, two orders each (A2 A4 and A3 A5).
    ids = {"A2": 123456789012345678, "A3": 123456789012345679, "A4": 123456789012345678, "A5": 123456789012345679}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["customer_id", "date", "amount"])
    for k, (d, v) in enumerate(
        [((2024, 1, 5), 120.50), ((2024, 1, 20), 1234.56), ((2024, 2, 10), 80.00), ((2024, 4, 1), 60.25)], 1
    ):
        ws.append([k, datetime(*d), v])  # 1..4 here, the ids' digits in the XML
    export("xlsx_big_ids.xlsx", _xlsx_bytes(wb, exact=ids))
    # Empty rows between data rows. Excel rows: 1 header; 2 C1 ok; 3 C2 ok; 4, 5 empty; 6 C3 "n/a"
    # (non_numeric_amount); 7 empty; 8 C1 ok; 9 C4 ok; 10 no customer (missing_customer). Read 6, kept 4,
    # set aside at Excel rows 6 and 10.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    for r, values in {
        1: ["customer_id", "date", "amount"],
        2: ["C1", datetime(2024, 1, 5), 120.50],
        3: ["C2", datetime(2024, 1, 20), 1234.56],
        6: ["C3", datetime(2024, 3, 15), "n/a"],
        8: ["C1", datetime(2024, 2, 10), 80.00],
        9: ["C4", datetime(2024, 5, 13), 99.99],
        10: [None, datetime(2024, 4, 1), 60.25],
    }.items():
        for c, value in enumerate(values, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    export("xlsx_blank_rows.xlsx", _xlsx_bytes(wb))
    # A report sheet: a title in A1, row 2 empty, the header on row 3, BASE on rows 4-9.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    ws["A1"] = "Sales report – January to June 2024"
    ws.append([])
    ws.append(["Customer", "Order date", "Revenue"])
    for c, d, v in BASE:
        ws.append([c, datetime(*d), v])
    export("xlsx_title_row.xlsx", _xlsx_bytes(wb))


if __name__ == "__main__":
    main()
