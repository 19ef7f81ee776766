"""Benchmark reading one order log in every upload format: CSV, a decimal-comma ";" CSV in Windows-1252,
XLSX, Parquet, JSON and NDJSON. Prints a markdown table (read + validate time, peak memory).

Run: ``.venv/bin/python -m benchmarks.bench_formats`` (``--rows 200000``). Each read runs in a fresh
subprocess (peak memory = its VmHWM, ``benchmarks.common.peak_mb``); the workbook is written the way
Excel writes one (shared strings, dates as styled serial numbers). The machine is shared: compare
formats within one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.bench_data import _run, make_csv
from benchmarks.common import peak_mb

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _letters(j: int) -> str:
    out = ""
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def write_xlsx(df, path: Path) -> None:
    """``df`` as a one-sheet workbook: text as shared strings, numbers as numbers, dates as serials."""
    import pandas as pd

    strings: dict[str, int] = {}
    rows = []
    header = "".join(
        f'<c r="{_letters(j + 1)}1" t="s"><v>{strings.setdefault(c, len(strings))}</v></c>'
        for j, c in enumerate(df.columns)
    )
    rows.append(f'<row r="1">{header}</row>')
    epoch = pd.Timestamp("1899-12-30")
    for i, rec in enumerate(df.itertuples(index=False), start=2):
        cells = []
        for j, (name, v) in enumerate(zip(df.columns, rec), start=1):
            ref = f"{_letters(j)}{i}"
            if name == "date":
                cells.append(f'<c r="{ref}" s="1"><v>{(pd.Timestamp(v) - epoch).days}</v></c>')
            elif isinstance(v, str):
                cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(v, len(strings))}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        rows.append(f'<row r="{i}">{"".join(cells)}</row>')
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs count="2">'
            '<xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>',
        )
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">{sst}</sst>')
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>",
        )


def write_all(csv_path: Path, tmp: Path) -> dict[str, Path]:
    import pandas as pd

    df = pd.read_csv(csv_path, dtype={"customer_id": str, "order_id": str})
    out = {'CSV (UTF-8, ",")': csv_path}
    german = tmp / "orders_de.csv"
    de = df.assign(
        amount=df["amount"].map(lambda v: f"{v:,.2f} €".replace(",", "_").replace(".", ",").replace("_", ".")),
        date=pd.to_datetime(df["date"]).dt.strftime("%d.%m.%Y"),
    )
    german.write_bytes(de.to_csv(index=False, sep=";").encode("cp1252"))
    out['CSV (Windows-1252, ";", 1.234,56 €)'] = german
    out["XLSX"] = tmp / "orders.xlsx"
    write_xlsx(df, out["XLSX"])
    out["Parquet"] = tmp / "orders.parquet"
    df.to_parquet(out["Parquet"], index=False)
    out["JSON (array of records)"] = tmp / "orders.json"
    out["JSON (array of records)"].write_text(df.to_json(orient="records"), encoding="utf-8")
    out["NDJSON"] = tmp / "orders.ndjson"
    out["NDJSON"].write_text(df.to_json(orient="records", lines=True), encoding="utf-8")
    return out


def measure(path: str) -> dict:
    import time

    import clv.data as data

    raw = Path(path).read_bytes()
    t0 = time.perf_counter()
    res = data.read_transactions(raw, filename=Path(path).name, options=data.ReadOptions(analysis_date="2025-12-31"))
    seconds = time.perf_counter() - t0
    return {"read": seconds, "kept": res.report.rows_kept, "rows": res.report.rows_read, "peak_mb": peak_mb()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    lines = [
        f"| format ({args.rows:,} orders) | file MB | read + validate s | rows kept | peak memory MB |",
        "|---|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "orders.csv"
        make_csv(csv_path, args.rows, args.seed)
        for name, path in write_all(csv_path, Path(tmp)).items():
            got = _run([sys.executable, "-m", "benchmarks.bench_formats", "--measure", str(path)])
            lines.append(
                f"| {name} | {path.stat().st_size / 1e6:.1f} | {got['read']:.2f} | {got['kept']:,} "
                f"| {got['peak_mb']:.0f} |"
            )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
