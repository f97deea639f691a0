"""One Jinja2 environment for every capability's templates (templates/<capability>/...)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

PACKAGE = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[str]:
    dirs = [str(PACKAGE / "web" / "templates")]
    dirs += [str(p) for p in sorted(PACKAGE.glob("*/templates")) if p.parent.name != "web"]
    return dirs


templates = Jinja2Templates(directory=_template_dirs()[0])
templates.env.loader = ChoiceLoader([FileSystemLoader(d) for d in _template_dirs()])
