"""YAML text parsed the safe way, by libyaml when PyYAML was built with it.

Every command and every server start parses the rule files (catalog, list types, measures, holidays,
legal bases…). PyYAML's pure-Python parser took about 0.4 s for the shipped files on a 2-core machine;
libyaml's ``CSafeLoader`` gives the same values in a tenth of that (``tests/unit/core/test_yaml_text.py``
holds the two to the same result for every shipped file). Both raise :class:`yaml.YAMLError`.
"""

from __future__ import annotations

from typing import Any

import yaml

#: the safe loader in C where available, else PyYAML's own (the same values either way)
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The value of the YAML document ``text`` (plain data only: no Python objects)."""
    return yaml.load(text, Loader=SAFE_LOADER)
