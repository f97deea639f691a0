"""A file handed to the browser as a download (objection and repair-application attachments)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response


def attachment_response(data: bytes, content_type: str, filename: str) -> Response:
    """``Content-Disposition: attachment`` with the UTF-8 file name (RFC 6266/5987), never sniffed."""
    return Response(data, media_type=content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename, safe='')}",
        "X-Content-Type-Options": "nosniff",
    })
