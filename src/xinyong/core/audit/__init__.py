"""Tamper evidence: hash chains (:mod:`.chain`), RFC 6962 Merkle checkpoints signed with Ed25519
(:mod:`.merkle`, :mod:`.keys`, :mod:`.checkpoints`), verification (:mod:`.verify`), the generic
decision history (:mod:`.history`) and access-log review (:mod:`.review`)."""
