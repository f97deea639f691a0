"""What disclosure does when another capability's facts change (xinyong.core.events, same transaction).

- :class:`xinyong.records.events.RecordWithdrawn`: the record's publication ends (its Publication row,
  发改办财金〔2018〕893号 §四 tracking); the public page, the share API and the subject's view follow
  from the record's status through :mod:`xinyong.disclosure.rules` (国办发〔2020〕49号 §（二）).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.records.events import RecordWithdrawn


def end_publication(session: Session, event: RecordWithdrawn) -> None:
    from xinyong.disclosure import service

    service.end_publication(session, event.record_id, kind=event.kind, reason=event.reason)


#: what this module reacts to; the composition root (xinyong.composition) registers them
SUBSCRIPTIONS = [(RecordWithdrawn, end_publication)]
