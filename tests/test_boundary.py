"""The core never imports streamlit: a notebook user can `import clv` and get every number."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_clv_does_not_load_streamlit():
    code = (
        "import importlib, pkgutil, sys, clv\n"
        "names = [m.name for m in pkgutil.walk_packages(clv.__path__, 'clv.')]\n"
        "[importlib.import_module(n) for n in names]\n"
        "print(len(names), 'streamlit' in sys.modules or any(k.startswith('streamlit.') for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    count, loaded = out.stdout.split()
    assert int(count) >= 8 and loaded == "False"


def test_pages_folder_holds_page_scripts_only():
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "ui.page_setup(" in text, f"{path.name} must begin with ui.page_setup()"
        assert "from pages" not in text and "import pages" not in text


def test_the_servers_effective_settings():
    # What `streamlit run` from the repository root uses (.streamlit/config.toml): no usage statistics, no
    # traceback with server paths in the browser, no unsafe table download, no full garbage collection
    # after every run (it took 60% of a workshop server's time).
    code = (
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "for name in ('browser.gatherUsageStats', 'client.showErrorDetails', 'client.disableDataExport',\n"
        "             'runner.postScriptGC'):\n"
        "    print(name, config.get_option(name))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    effective = dict(line.split(" ", 1) for line in out.splitlines())
    assert effective == {
        "browser.gatherUsageStats": "False",
        "client.showErrorDetails": "none",
        "client.disableDataExport": "True",
        "runner.postScriptGC": "False",
    }
