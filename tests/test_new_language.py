"""Adding a language is one file: a catalogue declares its own name and direction. A throwaway language
(a copy of the English catalogue named "Testish", written right to left) is added to clv/locales for the
length of one fresh process, which renders every page in it with AppTest."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.apptest import PAGES, ROOT

LOCALES = ROOT / "clv" / "locales"
CODE = "zz"

CHILD = r"""
import json, sys
sys.path.insert(0, "tests")
from apptest import app
from clv import i18n
out = {"languages": i18n.languages(), "name": i18n.language_name("zz"), "rtl": i18n.is_rtl("zz"), "pages": {}}
for script in json.loads(sys.argv[1]):
    at = app(script, lang="zz").run()
    errors = [e.value for e in at.error if "error" in e.value.lower() and "ref" in e.value.lower()]
    out["pages"][script] = {"exception": [str(e.value)[:300] for e in at.exception], "unexpected": errors,
                            "title": at.title[0].value if at.title else "",
                            "choices": [s.options for s in at.sidebar.selectbox if s.key == "lang"]}
print(json.dumps(out))
"""


def test_a_new_catalogue_file_is_a_new_language_on_every_page():
    english = (LOCALES / "en.toml").read_text(encoding="utf-8")
    testish = re.sub(
        r'\[lang\]\nname = "English"\ndirection = "ltr"',
        '[lang]\nname = "Testish"\ndirection = "rtl"',
        english,
        count=1,
    )
    assert testish != english
    path = LOCALES / f"{CODE}.toml"
    path.write_text(testish, encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(PAGES)], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
    finally:
        path.unlink()
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert CODE in got["languages"] and got["name"] == "Testish" and got["rtl"] is True
    for script, page in got["pages"].items():
        assert not page["exception"] and not page["unexpected"], (script, page)
        assert page["title"], script
    assert any("Testish" in options for p in got["pages"].values() for options in p["choices"])
