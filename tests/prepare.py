"""Checks run once before the suite: print loudly what will be skipped."""

from __future__ import annotations

import shutil
import sys


def main() -> int:
    if shutil.which("chromium") is None:
        print("!" * 78)
        print("!!! chromium not found: browser tests will be SKIPPED (CI installs Debian's chromium)")
        print("!" * 78)
    return 0


if __name__ == "__main__":
    sys.exit(main())
