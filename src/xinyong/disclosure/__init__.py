"""Disclosure and sharing: the public portal, department sharing, masking, consent, objections."""
