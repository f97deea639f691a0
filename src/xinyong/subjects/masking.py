"""Display masks for identifiers stored with subjects.

There is exactly one masking implementation: :mod:`xinyong.disclosure.masking` (the disclosure
capability owns the policy, ../shared/reference/masking.md). This module re-exports it for the
subjects capability's display codes (resident ID: first 4, last 4, birth date hidden).
"""

from __future__ import annotations

from xinyong.disclosure.masking import mask_name, mask_resident_id

__all__ = ["mask_name", "mask_resident_id"]
