"""Files over HTTP: streaming uploads and downloads, replace and delete."""

from entrypoints.http.files.routes import FilesController

ROUTE_HANDLERS = [FilesController]

__all__ = ["ROUTE_HANDLERS", "FilesController"]
