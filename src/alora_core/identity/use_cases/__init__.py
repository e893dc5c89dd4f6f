"""Identity's use cases, one async function per command."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from alora_core.identity import commands as c
from alora_core.identity.queries import LoginResult, Principal, PublicProfile
from alora_core.identity.use_cases import (
    admin,
    maintenance,
    passwords,
    profile,
    registration,
    sessions,
)
from alora_core.identity.use_cases.common import IdentityConfig, IdentityDeps

USE_CASES: dict[type, Callable[..., Any]] = {
    c.RegisterUser: registration.register_user,
    c.CreateAdmin: registration.create_admin,
    c.VerifyEmail: registration.verify_email,
    c.ResendVerification: registration.resend_verification,
    c.Login: sessions.login,
    c.RefreshSession: sessions.refresh_session,
    c.Authenticate: sessions.authenticate,
    c.Logout: sessions.logout,
    c.ListMySessions: sessions.list_my_sessions,
    c.RevokeMySession: sessions.revoke_my_session,
    c.UpdateProfile: profile.update_profile,
    c.GetSettings: profile.get_settings,
    c.ReplaceSettings: profile.replace_settings,
    c.GetPublicProfile: profile.get_public_profile,
    c.ForgotPassword: passwords.forgot_password,
    c.ResetPassword: passwords.reset_password,
    c.ChangePassword: passwords.change_password,
    c.ListUsers: admin.list_users,
    c.GetUser: admin.get_user,
    c.AdminUpdateUser: admin.admin_update_user,
    c.DeleteUser: admin.delete_user,
    c.SuspendUser: admin.suspend_user,
    c.UnsuspendUser: admin.unsuspend_user,
    c.ListSessions: admin.list_sessions,
    c.AdminRevokeSession: admin.admin_revoke_session,
    c.ListAuditLog: admin.list_audit_log,
    c.PurgeExpiredCodes: maintenance.purge_expired_codes,
    c.PurgeEndedSessions: maintenance.purge_ended_sessions,
}


def command_handlers(deps: IdentityDeps) -> dict[type, Callable[..., Any]]:
    """Each identity command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}


__all__ = [
    "USE_CASES",
    "IdentityConfig",
    "IdentityDeps",
    "LoginResult",
    "Principal",
    "PublicProfile",
    "command_handlers",
]
