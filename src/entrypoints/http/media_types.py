"""JSON routes take JSON only: a body of any other media type is a 415 before it is read.

A browser page of another site can send ``text/plain``, ``application/x-www-form-urlencoded``
and ``multipart/form-data`` bodies (or a body with no type at all) without a CORS preflight.
Were a JSON route to decode those as JSON, a cross-site form could post to it with the user's
cookies, or sign the browser in as someone else (login CSRF). ``application/json``, or a
``+json`` type such as ``application/merge-patch+json``, needs a preflight, which only
``ALORA_CORS_ORIGINS`` pass. JSON is UTF-8 (RFC 8259): another ``charset`` is a 415 too.

``json_only`` guards the routes whose handler takes a JSON ``data`` body (``base`` adds it to
them alone), and checks only when a body is sent: routes whose body may be left out still
answer a request without one. Upload routes read their multipart form themselves and take
no ``data``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException
from litestar.handlers import BaseRouteHandler
from litestar.params import BodyKwarg

UNSUPPORTED_MEDIA_TYPE = 415
_UTF8 = frozenset({"utf-8", "utf8"})


def takes_json_body(handler: BaseRouteHandler) -> bool:
    """Whether the handler decodes its ``data`` parameter from a JSON body."""
    body = handler.parsed_fn_signature.parameters.get("data")
    if body is None:
        return False
    kwarg = body.kwarg_definition
    return not isinstance(kwarg, BodyKwarg) or kwarg.media_type == RequestEncodingType.JSON


def is_json(content_type: str) -> bool:
    """``application/json`` or ``application/<anything>+json``, in UTF-8 if a charset is named."""
    media_type, _, parameters = content_type.partition(";")
    kind, _, subtype = media_type.strip().lower().partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        return False
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in _UTF8:
            return False
    return True


def _has_body(headers: Iterable[tuple[bytes, bytes]]) -> tuple[bool, str | None]:
    """Whether a body is sent (a non-zero length or a chunked one) and the declared type."""
    sent, content_type = False, None
    for name, value in headers:
        if name == b"content-length":
            sent = value.strip() not in (b"0", b"")
        elif name == b"transfer-encoding":
            sent = True
        elif name == b"content-type":
            content_type = value.decode("latin-1")
    return sent, content_type


async def json_only(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard: a body sent to a JSON route must be declared as JSON, else 415."""
    sent, content_type = _has_body(connection.scope["headers"])
    if sent and not (content_type and is_json(content_type)):
        raise ClientException(
            status_code=UNSUPPORTED_MEDIA_TYPE,
            detail="Send the body as application/json (UTF-8); "
            f"{(content_type or 'a body without a Content-Type')[:100]} is not accepted here.",
        )
