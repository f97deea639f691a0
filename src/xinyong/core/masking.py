"""The one masking policy for personal information (脱敏), used on every page, API and export.

国办发〔2020〕49号 §（四）: 公开个人相关信息的……并进行必要脱敏处理; 发改办财金〔2018〕893号 §四:
对涉及企业商业秘密和个人隐私的信息，发布前应进行必要的技术处理.

No national display format was found (../shared/reference/masking.md: NOT FOUND); the masks below
are the project's choice recorded in ../shared/reference/README.md §Masking, applied identically
everywhere because different masks of one number on different pages could be combined to recover it:

- resident ID: first 4 and last 4 shown, the birth date always hidden (``3201**********1234``);
- names: surname plus one ``*`` per remaining character (``张*``, ``欧阳**``);
- mobile numbers: first 3 and last 4 (``138****1234``);
- addresses: the administrative divisions kept, the rest replaced by a fixed ``****`` (its length
  would otherwise leak the house number's length).

:func:`scrub_identifiers` masks resident IDs and mobile numbers found inside free text (summaries).
"""

from __future__ import annotations

import re

from xinyong.core.surnames import COMPOUND_SURNAMES

MASK = "*"

#: an 18-character resident ID (GB 11643) — 17 digits and a digit or X — not inside a longer token
RESIDENT_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
#: a 15-digit first-generation ID number
OLD_RESIDENT_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
#: a mainland mobile number (11 digits starting 1[3-9]), optionally +86 / 86 prefixed
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")

_DIVISION_SUFFIXES = ("自治区", "自治州", "自治县", "特别行政区", "街道", "省", "市", "盟", "州", "区", "县", "旗", "镇", "乡")


def mask_resident_id(code: str) -> str:
    """``320812198506151234`` → ``3208**********1234``; short input is masked entirely."""
    code = code.strip()
    if len(code) <= 8:
        return MASK * len(code)
    return code[:4] + MASK * (len(code) - 8) + code[-4:]


def mask_name(name: str) -> str:
    """Surname plus one ``*`` per remaining character: 张三 → 张*, 欧阳娜娜 → 欧阳**."""
    name = name.strip()
    if len(name) <= 1:
        return name
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + MASK * (len(name) - keep)


def mask_phone(phone: str) -> str:
    """``13812341234`` → ``138****1234``; other numbers keep only their last 4 digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11:
        return digits[:3] + MASK * 4 + digits[-4:]
    if len(digits) <= 4:
        return MASK * len(digits)
    return MASK * (len(digits) - 4) + digits[-4:]


def mask_address(address: str) -> str:
    """Keep the leading administrative divisions (省/市/区/县/乡镇/街道), hide the rest with ``****``."""
    address = address.strip()
    if not address:
        return address
    end = 0
    pos = 0
    while pos < len(address):
        match = None
        for suffix in _DIVISION_SUFFIXES:
            i = address.find(suffix, pos)
            # a division name is 1-10 characters long before its suffix
            if i != -1 and i - pos <= 10 and (match is None or i < match[0]):
                match = (i, len(suffix))
        if match is None:
            break
        end = match[0] + match[1]
        pos = end
    return address[:end] + MASK * 4


def scrub_identifiers(text: str) -> str:
    """Mask every resident ID and mobile number inside free text, with the masks above."""
    text = RESIDENT_ID_RE.sub(lambda m: mask_resident_id(m.group(0)), text)
    text = OLD_RESIDENT_ID_RE.sub(lambda m: mask_resident_id(m.group(0)), text)
    return MOBILE_RE.sub(lambda m: mask_phone("".join(m.groups())), text)


def scrub_name(text: str, name: str) -> str:
    """Replace an individual's full name inside free text by its mask."""
    name = name.strip()
    if len(name) < 2:
        return text
    return text.replace(name, mask_name(name))
