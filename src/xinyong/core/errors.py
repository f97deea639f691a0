"""Domain errors. Messages are shown to users and therefore in Simplified Chinese."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal with a stable machine code and a Chinese message for the user."""

    status: int = 422

    def __init__(
        self, code: str, message: str, *, status: int | None = None, details: Any = None,
        logged: bool = False,
    ) -> None:
        super().__init__(message)
        #: a refusal already registered in the access log (xinyong.core.access.refuse)
        self.logged = logged
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class Unauthenticated(DomainError):
    status = 401
