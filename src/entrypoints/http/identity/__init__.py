"""Identity over HTTP: sign-up, sign-in and sessions, profiles and settings, administration."""

from entrypoints.http.identity.admin_routes import AdminController
from entrypoints.http.identity.auth_routes import AuthController
from entrypoints.http.identity.users_routes import UsersController

ROUTE_HANDLERS = [AuthController, UsersController, AdminController]

__all__ = ["ROUTE_HANDLERS", "AdminController", "AuthController", "UsersController"]
