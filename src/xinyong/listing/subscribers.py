"""What the listing capability does when others' facts change (xinyong.core.events, same transaction).

- ``RecordWithdrawn``: the cases and listings resting on the record end or are put to review
  (:func:`xinyong.listing.service.record_withdrawn`; 国办发〔2020〕49号 §（二）).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.records.events import RecordWithdrawn


def on_record_withdrawn(session: Session, event: RecordWithdrawn) -> None:
    from xinyong.listing import service

    service.record_withdrawn(session, record_id=event.record_id, subject_key=event.subject_key,
                             reason=event.reason)


#: what this module reacts to; the composition root (xinyong.composition) registers them
SUBSCRIPTIONS = [(RecordWithdrawn, on_record_withdrawn)]
