"""Tamper evidence: hash chains (:mod:`.chain`), the access log's queue and its sequencer
(:mod:`.sequencer`), RFC 6962 Merkle checkpoints signed with Ed25519 (:mod:`.merkle`, :mod:`.keys`,
:mod:`.checkpoints`) and published to witnesses (:mod:`.witness`), monthly partitions
(:mod:`.partitions`), verification (:mod:`.verify`), the generic decision history (:mod:`.history`)
and access-log review (:mod:`.review`)."""
