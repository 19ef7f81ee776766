"""Write the corpus of awkward and broken upload files used by tests/test_data_corpus.py.

Run from the repository root: ``python tests/files/make_corpus.py`` (deterministic; the outputs are
committed). Each file is small and built for one difficulty; the expected outcome of reading it is
written out by hand in tests/test_data_corpus.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

# The base log: 6 good rows, 4 customers; days above 12 so d/m vs m/d is decidable.
BASE = [("C1", (2024, 1, 5), 120.50), ("C1", (2024, 2, 10), 80.00), ("C2", (2024, 1, 20), 1234.56),
        ("C3", (2024, 3, 15), 45.00), ("C2", (2024, 4, 1), 60.25), ("C4", (2024, 5, 13), 99.99)]
ARABIC_DIGITS = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")


def fmt_date(d, style: str) -> str:
    y, m, dd = d
    return {"iso": f"{y}-{m:02d}-{dd:02d}", "dmy": f"{dd:02d}/{m:02d}/{y}", "mdy": f"{m:02d}/{dd:02d}/{y}",
            "ymd_slash": f"{y}/{m:02d}/{dd:02d}", "dot": f"{dd:02d}.{m:02d}.{y}",
            "time": f"{y}-{m:02d}-{dd:02d} 13:45:00", "dmy_short": f"{dd}/{m}/{y}"}[style]


def fmt_amount(v: float, style: str) -> str:
    us = f"{v:,.2f}"
    return {"plain": f"{v:.2f}", "us": us, "eu": us.replace(",", "_").replace(".", ",").replace("_", "."),
            "space": us.replace(",", " ").replace(".", ","), "usd": "$" + us}[style]


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
    arabic_rows = [("أحمد", d, v) for _, d, v in BASE[:2]] + [("مريم", d, v) for _, d, v in BASE[2:4]] \
        + [("خالد", d, v) for _, d, v in BASE[4:]]
    write("cp1256_arabic.csv", text_table(["رقم العميل", "التاريخ", "المبلغ"], arabic_rows), encoding="cp1256")
    latin_rows = [("Müller", d, v) for _, d, v in BASE[:3]] + [("José", d, v) for _, d, v in BASE[3:]]
    write("latin1_semicolon.csv", text_table(["Kunde", "Datum", "Betrag"], latin_rows, delim=";",
                                             date_style="dot", amount_style="eu"), encoding="latin-1")
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
    arabic_digit_rows = "\n".join(
        ["العميل,التاريخ,القيمة"]
        + [f'{c},{fmt_date(d, "dmy").translate(ARABIC_DIGITS)},"{fmt_amount(v, "us").translate(ARABIC_DIGITS)}"'
           for c, d, v in BASE]) + "\n"
    write("arabic_digits.csv", arabic_digit_rows)
    write("arabic_headers_extra.csv", "\n".join(
        ["رقم الطلب,العميل,التاريخ,القيمة,الكمية,المنتج,القناة"]
        + [f"O{i},{c},{fmt_date(d, 'iso')},{v:.2f},{i % 3 + 1},P{i % 2},web" for i, (c, d, v) in enumerate(BASE, 1)])
        + "\n")
    write("headerless.csv", "\n".join(f"{c[1:]:>05},{i},{d[0]}{d[1]:02d}{d[2]:02d},{i % 3 + 1},{v:.2f}"
                                      for i, (c, d, v) in enumerate(BASE, 1)) + "\n")
    write("extra_columns.csv", "\n".join(
        ["order_id,customer_email,order_date,quantity,product,channel,total"]
        + [f"O{i},{c.lower()}@example.com,{fmt_date(d, 'iso')},{i % 3 + 1},P{i % 2},app,{v:.2f}"
           for i, (c, d, v) in enumerate(BASE, 1)]) + "\n")
    # every set-aside reason once (net returns mode keeps the C1 return; C9 returns without a purchase)
    messy = "\n".join([
        "customer_id,date,amount,note",
        "C1,2024-01-05,120.50,ok",
        "C1,2024-02-10,80.00,ok",
        "C2,2024-01-20,60.00,ok",
        "C2,2024-01-20,60.00,ok",            # exact duplicate of the row above
        "C2,2024-01-20,60.00,again",         # same order values but another note: not a duplicate
        ",2024-03-01,10.00,no customer",
        "C3,2024-13-45,10.00,bad date",
        "C3,2024-03-02,ten,bad amount",
        "C3,2024-03-03,0,zero",
        "C1,2024-03-04,-20.00,return",
        "C4,2025-06-01,30.00,future",
        "C9,2024-03-05,-15.00,return without purchase",
        "C5,2024-03-06,25.00,ok,EXTRA,FIELDS",  # malformed: too many fields
        "C5,2024-03-07,25.00,ok",
    ]) + "\n"
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
    write("too_many_columns.csv", ",".join(f"c{i}" for i in range(250)) + "\n" + ",".join("1" for _ in range(250)) + "\n")
    write("all_malformed.csv", "customer_id,date,amount\nC1,2024-01-05,10,x\nC2,2024-01-06,20,y\n")
    write("export.json", json.dumps([{"customer_id": c, "date": fmt_date(d, "iso"), "amount": v}
                                     for c, d, v in BASE], indent=1) + "\n")
    write("summary_mixed.csv", "\n".join([
        "customer_id,frequency,recency,T,monetary_value",
        "A1,0,0,30,0",
        "A2,2,40,120,35.5",
        "A3,1.5,40,120,35.5",          # non-integer frequency
        "A4,3,200,100,20",             # recency > T
        "A5,-1,0,50,0",                # negative
        "A6,0,10,50,0",                # no repeats but recency
        "A7,two,10,50,5",              # non-numeric
        ",1,10,50,5",                  # missing customer
        "A2,1,10,50,5",                # duplicate customer
        "A8,4,90,365,80",
    ]) + "\n")
    write("subscriptions_mixed.csv", "\n".join([
        "customer_id,plan,start_date,end_date,monthly_amount",
        "S1,Basic,2024-01-15,,19",
        "S2,Pro,2024-02-01,2024-05-01,49",
        "S3,Pro,2024-03-01,2024-02-01,49",      # end before start
        "S4,Basic,2024-03-01,sometime,19",      # unreadable end date
        "S5,Basic,2024-03-01,,-19",             # negative amount
        "S6,Business,2024-04-10,,99",
    ]) + "\n")
    _excel_files()
    _parquet_file()


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
    buf = io.BytesIO()
    _fixed_times(wb)
    wb.save(buf)
    write("two_sheets.xlsx", buf.getvalue())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["customer_id", "date", "amount"])
    for c, (y, m, d), v in BASE:
        serial = (datetime(y, m, d) - datetime(1899, 12, 30)).days
        ws.append([c, serial, v])
    buf = io.BytesIO()
    _fixed_times(wb)
    wb.save(buf)
    write("excel_serial.xlsx", buf.getvalue())


def _fixed_times(wb) -> None:
    """Fixed document times, so regenerating gives the same workbook content."""
    from datetime import datetime

    wb.properties.created = wb.properties.modified = datetime(2024, 1, 1)


def _parquet_file() -> None:
    import pandas as pd

    df = pd.DataFrame({"customer_id": [c for c, _, _ in BASE],
                       "order_ts": pd.to_datetime([f"{y}-{m:02d}-{d:02d}" for _, (y, m, d), _ in BASE]),
                       "revenue": [v for _, _, v in BASE]})
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    write("typed.parquet", buf.getvalue())


if __name__ == "__main__":
    main()
