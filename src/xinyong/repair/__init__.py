"""Credit repair (信用修复): one application, synchronous and complete repair.

国办发〔2020〕49号 §六（十一）（十二）; 发改办财金〔2018〕893号 §九—§十三; 淮政办发〔2021〕13号 §五（一）;
国家发展改革委令第36号 (信用修复管理办法, in force 2026-04-01).

- ``rules.py`` / ``loader.py``: repair rules as data (rules/national/repair/*.yaml, rules/local/<region>/repair/):
  repairable or not (non-repairable only on a law, regulation or central-policy basis), minimum publicity
  period by severity (the regime in force on the date), conditions, time limit in working days, outcome.
- ``filing.py``: one application naming every record and listing; each part is pre-checked against its rule
  (refused at once with reason and remedy when a condition is unmet) and routed to its determining department
  with a working-day deadline; reading applications and attachments.
- ``deciding.py``: only the determining department decides its part (谁认定、谁修复); a grant changes the
  record status / ends the listing, writes outbox messages and publishes ``repair.granted``
  (``events.RepairGranted``) in the decision's transaction; the application is complete only when every
  channel confirmed. The credit office oversees the time limits of its territory.
- ``evidence.py``: commitments, training attendance, credit reports and the agency registry.
- ``shared.py``: targets, assessment, descriptions and the access checks (ownership, territory) they share;
  ``service.py`` re-exports the public names and registers the credit-file section.
- Every function of filing/deciding/evidence taking an ``actor`` is a use case (``core.usecase``).
- ``api.py`` (/api/v1/repair/...), ``pages.py`` (/console/repair/..., public /repair/commitments/{ref}),
  ``cli.py`` (``xinyong repair ...``).

No fee, charge or payment exists anywhere in the flow (49号 §（十二）).
"""
