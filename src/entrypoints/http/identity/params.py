"""Path parameters of the identity routes."""

from __future__ import annotations

from typing import Annotated

from entrypoints.http.params import id_segment

UserIdPath = Annotated[str, id_segment("user")]
SessionIdPath = Annotated[str, id_segment("session")]
