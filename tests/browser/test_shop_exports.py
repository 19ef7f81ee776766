"""Files real shops export, uploaded through the real widget in a real browser: each one is read as its
author meant, the page says in words what was decided, and a hostile workbook is a message in seconds."""

import re
import time
from pathlib import Path

from playwright.sync_api import expect

from tests.test_xlsx import dimension_bomb

EXPORTS = Path(__file__).resolve().parents[1] / "files" / "exports"


def upload(j, path_or_payload) -> None:
    box = j.page.get_by_test_id("stMain").get_by_test_id("stFileUploaderDropzoneInput")
    box.set_input_files(path_or_payload)
    j.settle()


def test_a_german_excel_csv_and_a_shopify_export_read_as_meant(journey):
    j = journey(height=1500)
    pg = j.page
    j.open("/data")
    upload(j, EXPORTS / "german_excel_euro.csv")  # Windows-1252, ";", "12,50 €", dd.mm.yyyy
    expect(pg.get_by_text(re.compile(r"Encoding: cp1252")).first).to_be_visible()
    expect(pg.get_by_text(re.compile(r"Decimal mark: ,")).first).to_be_visible()
    assert j.metrics()[:3] == ["6", "6", "0"], j.metrics()
    j.shot("german-excel")
    upload(j, EXPORTS / "shopify_orders.csv")  # 8 orders: 3 not paid (refunded, pending, voided)
    expect(pg.get_by_text(re.compile(r"Payment status from column Financial Status")).first).to_be_visible()
    expect(pg.get_by_text(re.compile(r"Set aside by payment status: .*pending: 1")).first).to_be_visible()
    assert j.metrics()[:3] == ["8", "5", "3"], j.metrics()
    expect(pg.get_by_test_id("stMultiSelect")).to_be_visible()  # the statuses that count, chosen here
    j.shot("shopify")


def test_a_workbook_bomb_is_a_message_in_seconds(journey):
    j = journey()
    pg = j.page
    j.open("/data")
    start = time.perf_counter()
    upload(
        j,
        {
            "name": "orders.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": dimension_bomb(),
        },
    )
    expect(pg.get_by_test_id("stAlertContentError").first).to_be_visible(timeout=20_000)
    assert time.perf_counter() - start < 20
    text = pg.get_by_test_id("stMain").inner_text()
    assert "Traceback" not in text and 'File "' not in text
    j.shot("xlsx-bomb")
