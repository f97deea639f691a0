"""A command of the ``xinyong`` CLI starts without the web stack, spreadsheets or the HTTP client.

A file of a million codes is screened by a process that starts, assembles the platform and exits;
importing FastAPI, Jinja2, openpyxl, httpx or zhconv at start-up cost it about a second. Each is
imported where it is used (the app, a page, a workbook written, a webhook sent, a name folded)."""

from __future__ import annotations

import json
import subprocess
import sys

NOT_AT_START = ("fastapi", "starlette", "jinja2", "openpyxl", "httpx", "zhconv", "pkg_resources")


def _modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_assembling_the_platform_imports_no_web_stack() -> None:
    loaded = _modules_after("from xinyong import composition\ncomposition.assemble()")
    assert "sqlalchemy" in loaded  # the probe did assemble
    assert not loaded & set(NOT_AT_START)


def test_the_cli_with_its_commands_imports_no_web_stack() -> None:
    loaded = _modules_after("import xinyong.cli")
    assert "typer" in loaded
    assert not loaded & set(NOT_AT_START)
