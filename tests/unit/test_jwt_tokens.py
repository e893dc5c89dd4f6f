import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.jwt_tokens import JwtTokenIssuer
from alora_core.identity.model import Role
from alora_core.shared.errors import Unauthenticated

SECRET = "s" * 32
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
USER = uuid.UUID("0190f0a0-0000-7000-8000-000000000001")
SESSION = uuid.UUID("0190f0a0-0000-7000-8000-000000000002")


def make_issuer(
    secret: str = SECRET, issuer: str = "alora", audience: str = "alora-api"
) -> JwtTokenIssuer:
    return JwtTokenIssuer(secret, issuer, audience, timedelta(minutes=15))


@pytest.fixture
def issuer() -> JwtTokenIssuer:
    return make_issuer()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(obj: object) -> str:
    return b64(json.dumps(obj).encode())


def claims(**changes: Any) -> dict[str, Any]:
    iat = int(NOW.timestamp())
    payload: dict[str, Any] = {
        "sub": str(USER),
        "role": "customer",
        "sid": str(SESSION),
        "iat": iat,
        "exp": iat + 900,
        "iss": "alora",
        "aud": "alora-api",
        "typ": "access",
        "jti": "abc",
    }
    payload.update(changes)
    return payload


def hs256(header: dict[str, Any], payload: dict[str, Any], secret: str = SECRET) -> str:
    signing_input = f"{b64json(header)}.{b64json(payload)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def assert_invalid(issuer: JwtTokenIssuer, token: str, now: datetime = NOW) -> None:
    with pytest.raises(Unauthenticated, match="invalid"):
        issuer.verify(token, now)


def test_issued_tokens_verify_to_their_claims(issuer: JwtTokenIssuer) -> None:
    token = issuer.issue(USER, Role.PROFESSIONAL, SESSION, NOW)

    verified = issuer.verify(token, NOW + timedelta(minutes=1))

    assert verified.user_id == USER
    assert verified.role is Role.PROFESSIONAL
    assert verified.session_id == SESSION
    assert verified.issued_at == NOW
    assert verified.expires_at == NOW + timedelta(minutes=15)
    assert issuer.lifetime_seconds == 900


def test_tokens_carry_the_documented_claims_and_hs256(issuer: JwtTokenIssuer) -> None:
    token = issuer.issue(USER, Role.ADMIN, SESSION, NOW)

    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "HS256"
    assert set(payload) == {"sub", "role", "sid", "iat", "exp", "iss", "aud", "typ", "jti"}
    assert payload["typ"] == "access"
    assert payload["role"] == "admin"


def test_every_token_gets_its_own_jti(issuer: JwtTokenIssuer) -> None:
    first = jwt.decode(
        issuer.issue(USER, Role.ADMIN, SESSION, NOW), options={"verify_signature": False}
    )
    second = jwt.decode(
        issuer.issue(USER, Role.ADMIN, SESSION, NOW), options={"verify_signature": False}
    )
    assert first["jti"] != second["jti"]


def test_expiry_is_checked_against_the_given_now_not_the_wall_clock() -> None:
    issuer = make_issuer()
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    token = issuer.issue(USER, Role.CUSTOMER, SESSION, long_ago)

    assert issuer.verify(token, long_ago + timedelta(minutes=14)).user_id == USER
    with pytest.raises(Unauthenticated, match="expired"):
        issuer.verify(token, long_ago + timedelta(minutes=16))


def test_expiry_has_a_small_leeway(issuer: JwtTokenIssuer) -> None:
    token = issuer.issue(USER, Role.CUSTOMER, SESSION, NOW)
    expires = NOW + timedelta(minutes=15)

    issuer.verify(token, expires + timedelta(seconds=4))
    with pytest.raises(Unauthenticated, match="expired"):
        issuer.verify(token, expires + timedelta(seconds=5))


def test_tokens_issued_in_the_future_are_invalid(issuer: JwtTokenIssuer) -> None:
    token = issuer.issue(USER, Role.CUSTOMER, SESSION, NOW + timedelta(minutes=1))

    issuer.verify(issuer.issue(USER, Role.CUSTOMER, SESSION, NOW + timedelta(seconds=5)), NOW)
    assert_invalid(issuer, token)


def test_alg_none_is_rejected(issuer: JwtTokenIssuer) -> None:
    unsigned = f"{b64json({'alg': 'none', 'typ': 'JWT'})}.{b64json(claims())}."

    assert_invalid(issuer, unsigned)
    assert_invalid(issuer, unsigned + b64(b"sig"))
    assert_invalid(issuer, f"{b64json({'alg': 'None'})}.{b64json(claims())}.")


def test_other_algorithms_are_rejected_even_with_the_right_secret(issuer: JwtTokenIssuer) -> None:
    assert_invalid(issuer, jwt.encode(claims(), SECRET * 2, algorithm="HS512"))
    assert_invalid(issuer, jwt.encode(claims(), SECRET * 2, algorithm="HS384"))
    # An RS256 header over an HMAC signature: the classic algorithm-confusion attack.
    assert_invalid(issuer, hs256({"alg": "RS256", "typ": "JWT"}, claims()))
    assert_invalid(issuer, hs256({"typ": "JWT"}, claims()))


def test_a_hand_signed_hs256_token_is_accepted(issuer: JwtTokenIssuer) -> None:
    # Sanity check for the crafted tokens of the other tests.
    assert issuer.verify(hs256({"alg": "HS256", "typ": "JWT"}, claims()), NOW).user_id == USER


def test_a_tampered_payload_is_rejected(issuer: JwtTokenIssuer) -> None:
    header, _, signature = issuer.issue(USER, Role.CUSTOMER, SESSION, NOW).split(".")
    forged = b64json(claims(role="admin"))

    assert_invalid(issuer, f"{header}.{forged}.{signature}")


def test_a_tampered_signature_is_rejected(issuer: JwtTokenIssuer) -> None:
    token = issuer.issue(USER, Role.CUSTOMER, SESSION, NOW)
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    assert_invalid(issuer, f"{header}.{payload}.{flipped}")
    assert_invalid(issuer, f"{header}.{payload}.")
    assert_invalid(issuer, f"{header}.{payload}")


def test_a_token_signed_with_another_secret_is_rejected(issuer: JwtTokenIssuer) -> None:
    other = make_issuer(secret="t" * 32)

    assert_invalid(issuer, other.issue(USER, Role.CUSTOMER, SESSION, NOW))


@pytest.mark.parametrize("claim", ["sub", "role", "sid", "iat", "exp", "iss", "aud", "typ", "jti"])
def test_every_claim_is_required(issuer: JwtTokenIssuer, claim: str) -> None:
    payload = claims()
    del payload[claim]

    assert_invalid(issuer, jwt.encode(payload, SECRET, algorithm="HS256"))


@pytest.mark.parametrize(
    "changes",
    [
        {"typ": "refresh"},
        {"typ": None},
        {"iss": "someone-else"},
        {"aud": "another-api"},
        {"aud": ["alora-api", "another-api"]},
        {"sub": "not-a-uuid"},
        {"sub": 42},
        {"sid": "not-a-uuid"},
        {"role": "superuser"},
        {"iat": "2030-01-01"},
        {"exp": "never"},
        {"exp": True},
        {"exp": 10**30},
        {"jti": 7},
        {"exp": int(NOW.timestamp()) - 1, "iat": int(NOW.timestamp())},
    ],
    ids=repr,
)
def test_bad_claims_are_rejected(issuer: JwtTokenIssuer, changes: dict[str, Any]) -> None:
    assert_invalid(issuer, jwt.encode(claims(**changes), SECRET, algorithm="HS256"))


def test_wrong_issuer_or_audience_configuration_rejects(issuer: JwtTokenIssuer) -> None:
    token = issuer.issue(USER, Role.CUSTOMER, SESSION, NOW)

    assert_invalid(make_issuer(issuer="other"), token)
    assert_invalid(make_issuer(audience="other"), token)


@pytest.mark.parametrize(
    "token",
    ["", "x", "a.b", "a.b.c", "...", "é.é.é", f"{b64(b'[1]')}.{b64(b'[]')}.x", "\ud800"],
)
def test_garbage_is_rejected(issuer: JwtTokenIssuer, token: str) -> None:
    assert_invalid(issuer, token)


def test_a_non_object_payload_is_rejected(issuer: JwtTokenIssuer) -> None:
    signing_input = f"{b64json({'alg': 'HS256'})}.{b64json([1, 2])}"
    signature = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()

    assert_invalid(issuer, f"{signing_input}.{b64(signature)}")


@given(st.text())
def test_any_string_fails_only_with_unauthenticated(token: str) -> None:
    with pytest.raises(Unauthenticated):
        make_issuer().verify(token, NOW)


def test_short_secrets_and_empty_lifetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        JwtTokenIssuer("short", "alora", "alora-api", timedelta(minutes=15))
    with pytest.raises(ValueError, match="lifetime"):
        JwtTokenIssuer(SECRET, "alora", "alora-api", timedelta(0))
