"""Accounts of citizens and companies (信用主体账户) for /my: self-registration bound to the subject's
code (USCC or resident ID), proved by a one-time code the credit office issues or by the region's unified
identity provider (OpenID Connect); sign-in with rate-limited attempts. A subject account is a console
account whose principal has the role ``subject`` and the subject's key, so every use case that serves a
subject (``door.own_subject``) serves it its own file and nothing else.

- ``rules.py``: pure (one-time code format and state, attempt limits), the time passed in.
- ``models.py``: subject accounts, one-time codes (hashed), failed attempts.
- ``service.py``: issuing codes, registering, signing in; ``oidc.py``: the authorization-code flow with PKCE.
- ``pages.py`` (/my/login, /my/register, /my/oidc/*, /console/subject-accounts) and ``cli.py`` translate.
"""
