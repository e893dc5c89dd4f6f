"""The shared Actor: a user with a role, someone not signed in, or the system."""

from __future__ import annotations

import uuid

import pytest

from alora_core.identity.model import Role as IdentityRole
from alora_core.shared.actor import Actor, Role
from alora_core.shared.errors import Unauthenticated

USER = uuid.UUID(int=1)


def test_a_user_acts_with_their_role() -> None:
    admin = Actor(user_id=USER, role=Role.ADMIN, email_verified=True)
    assert admin.is_admin and admin.is_signed_in and not admin.is_system
    assert admin.require_user_id() == USER
    assert not Actor(user_id=USER, role=Role.PROFESSIONAL).is_admin


@pytest.mark.parametrize("actor", [Actor.anonymous(), Actor.system()])
def test_without_a_user_nobody_is_signed_in(actor: Actor) -> None:
    assert not actor.is_signed_in and not actor.is_admin and actor.role is None
    with pytest.raises(Unauthenticated):
        actor.require_user_id()


def test_the_system_is_not_someone_anonymous() -> None:
    assert Actor.system().is_system and not Actor.anonymous().is_system
    assert Actor.system() != Actor.anonymous()


@pytest.mark.parametrize(
    "fields",
    [
        {"user_id": USER, "role": None},
        {"user_id": None, "role": Role.CUSTOMER},
        {"user_id": USER, "role": Role.CUSTOMER, "is_system": True},
    ],
)
def test_a_role_goes_with_a_user_and_the_system_is_none(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="user"):
        Actor(**fields)  # type: ignore[arg-type]


def test_identity_s_roles_are_the_shared_kernel_s() -> None:
    assert IdentityRole is Role
    assert [role.value for role in Role] == ["customer", "professional", "admin"]
