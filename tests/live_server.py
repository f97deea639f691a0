"""A real server on a loopback port, and headless Chromium, for the browser and live-server tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def require_chromium() -> None:
    """Skip loudly where Chromium is missing (CI installs Debian's chromium, so there it never is)."""
    if not Path(CHROMIUM).exists():
        message = "!!! chromium not installed: browser tests SKIPPED (CI installs Debian's chromium) !!!"
        print(message, file=sys.stderr)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(folder: Path, database_url: str, *, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the platform with uvicorn on ``database_url`` until the block ends; yield its base URL.

    Waits (up to 90 s: a loaded CI machine may take a while to import the app) until /public answers;
    the server's output goes to ``folder/server.log`` and is shown if it does not start."""
    port = free_port()
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "xinyong.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            env={**os.environ, **(env or {}), "XINYONG_DATABASE_URL": database_url},
            stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(base + "/public", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        raise RuntimeError("server did not start: " + log_path.read_text()) from None
                    time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@dataclass(frozen=True)
class Site:
    """A served database: what its seed returned, the base URL and the folder (``server.log``)."""

    seeded: Any
    base: str
    folder: Path


@contextmanager
def seeded_site(tmp_path_factory: pytest.TempPathFactory, name: str, seed: Callable[[], Any], *,
                browser: bool = True) -> Iterator[Site]:
    """A fresh SQLite database in its own folder, migrated, filled by ``seed`` (run with the platform
    pointed at that database, and pointed back after), then served until the block ends."""
    from xinyong.core import db as core_db
    from xinyong.core.migrate import upgrade

    if browser:
        require_chromium()
    folder = tmp_path_factory.mktemp(name)
    url = f"sqlite:///{folder / (name + '.db')}"
    upgrade(url)
    core_db.use_database(url)
    try:
        seeded = seed()
    finally:
        core_db.use_database(None)
        core_db.dispose_engines()
    with serve(folder, url) as base:
        yield Site(seeded, base, folder)


@contextmanager
def chromium(profile: Path, **options: object) -> Iterator[object]:
    """A headless Chromium context (playwright, Debian's chromium) with a Chinese locale, closed afterwards;
    ``options`` go to ``launch_persistent_context`` (viewport, accept_downloads …)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, locale="zh-CN",
            **options,  # type: ignore[arg-type]
        )
        try:
            yield context
        finally:
            context.close()


def sign_in_to_console(page: Any, url: str, username: str, password: str, *, landing: str | None = None) -> None:
    """Open the console page at ``url`` — which sends a visitor to the staff sign-in — sign in as
    ``username`` and wait to be back: on ``landing`` (a URL glob), by default the page asked for."""
    page.goto(url)
    page.wait_for_url("**/console/login**")
    page.fill("#username", username)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_url(landing or "**" + urlsplit(url).path)
