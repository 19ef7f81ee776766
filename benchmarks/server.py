"""One way to start the app for a browser: ``streamlit run app.py`` from the repository root, on a free port
of 127.0.0.1, waited on until healthy. Shared by the browser journeys (``tests/browser/conftest.py``), the
browser benchmark (``benchmarks/bench_browser.py``) and the README's screenshots (``docs/screenshots.py``).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTHY_WITHIN_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app on ``self.url``, its output in ``log`` (a file: an unread pipe can block the server).
    Raises RuntimeError with the log's tail when it exits or is not healthy in time. A context manager."""

    def __init__(self, log: Path):
        self.log, self.port = log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "app.py",
                    "--server.headless",
                    "true",
                    "--server.address",
                    "127.0.0.1",
                    "--server.port",
                    str(self.port),
                    "--server.fileWatcherType",
                    "none",
                    "--browser.gatherUsageStats",
                    "false",
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # cwd: .streamlit/config.toml applies
        deadline = time.monotonic() + HEALTHY_WITHIN_S
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited:\n{self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit not healthy in {HEALTHY_WITHIN_S} s:\n{self.log_text()[-3000:]}")
            time.sleep(0.2)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.proc.terminate()  # SIGTERM: gone in under a second
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
