"""LoadReport.detected: what the Your data page says it detected, item by item."""

from clv import i18n
from clv.data import LoadReport


def report(**kw) -> LoadReport:
    return LoadReport(rows_read=2, rows_kept=2, **{"file_format": "csv", **kw})


def test_each_item_where_it_applies():
    assert report(file_format="parquet").detected() == ["Format: PARQUET"]
    assert report(
        encoding="cp1256", delimiter="\t", decimal=",", date_format="%m/%d/%y %I:%M %p", sheet="Orders 2024"
    ).detected() == [
        "Format: CSV",
        "Encoding: cp1256",
        "Delimiter: tab",
        "Decimal mark: ,",
        "Date format: MM/DD/YY hh:mm AM/PM",
        "Sheet: Orders 2024",
    ]


def test_date_formats_in_words_and_a_delimiter_without_a_name():
    assert report(date_format="excel-serial").detected()[-1] == "Date format: Excel date numbers"
    assert report(date_format="ISO8601").detected()[-1] == "Date format: ISO 8601 date and time"
    assert report(date_format="native").detected()[-1] == "Date format: dates stored as dates"
    assert report(date_format="%d %B %Y").detected()[-1] == "Date format: DD Month YYYY"
    assert report(delimiter="|").detected()[-1] == "Delimiter: vertical bar"
    assert report(delimiter="#").detected()[-1] == "Delimiter: —"


def test_in_arabic():
    items = report(delimiter=";", date_format="excel-serial").detected("ar")
    assert items == [
        i18n.text("datapage.report.format", "ar", format="CSV"),
        i18n.text("datapage.report.delimiter", "ar", delimiter=i18n.text("datapage.report.delimiter_semicolon", "ar")),
        i18n.text(
            "datapage.report.date_format", "ar", format=i18n.text("datapage.report.date_format_excel_serial", "ar")
        ),
    ]
    assert all("Format" not in item for item in items)
