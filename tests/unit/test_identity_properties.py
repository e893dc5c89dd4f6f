"""Properties of identifier detection, normalization and refresh-token rotation."""

from __future__ import annotations

import asyncio
import string
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
)

from adapters.look_alikes import IcuLookAlikes
from adapters.memory.hasher import FastPasswordHasher
from adapters.phones import LibPhoneNumbers
from alora_core.identity import commands as c
from alora_core.identity.normalize import (
    IdentifierKind,
    detect_identifier,
    email_error,
    fold,
    normalize_email,
    normalize_username,
    username_error,
)
from alora_core.shared.actor import Actor, Role
from alora_core.shared.clock import FixedClock
from alora_core.shared.errors import Unauthenticated
from entrypoints.bootstrap import build_in_memory

usernames = st.text(alphabet=string.ascii_lowercase + string.digits + "_.", min_size=3, max_size=30)
emails = st.emails()
phones = st.from_regex(r"\+1 ?\(?[2-9]\d{2}\)? ?[2-9]\d{2}[ -]?\d{4}", fullmatch=True)


@given(emails)
def test_anything_with_an_at_sign_is_an_email(email: str) -> None:
    assert detect_identifier(email) is IdentifierKind.EMAIL
    assert detect_identifier(f"  {email.upper()} ") is IdentifierKind.EMAIL


@given(usernames.filter(lambda u: any(ch.isalpha() for ch in u)))
def test_usernames_with_letters_are_usernames(username: str) -> None:
    assert detect_identifier(username) is IdentifierKind.USERNAME


@given(phones)
def test_phone_shapes_are_phones(phone: str) -> None:
    assert detect_identifier(phone) is IdentifierKind.PHONE


@given(usernames, st.sampled_from(["", " ", "\t"]), st.booleans())
def test_username_normalization_is_idempotent_and_valid(raw: str, pad: str, upper: bool) -> None:
    typed = pad + (raw.upper() if upper else raw) + pad
    normalized = normalize_username(typed)
    assert normalized == raw
    assert normalize_username(normalized) == normalized
    assert username_error(normalized) is None


@given(st.text(max_size=40))
def test_invalid_usernames_are_named(raw: str) -> None:
    normalized = normalize_username(raw)
    valid = 3 <= len(normalized) <= 30 and all(
        ch in string.ascii_lowercase + string.digits + "_." for ch in normalized
    )
    assert (username_error(normalized) is None) == valid


def fullwidth(text: str) -> str:
    """``text`` with its printable ASCII characters written fullwidth (U+FF01-U+FF5E)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@given(emails)
def test_fullwidth_and_upper_case_emails_are_the_same_email(email: str) -> None:
    assert normalize_email(fullwidth(email.upper())) == normalize_email(email) == email.lower()


@given(usernames)
def test_fullwidth_usernames_are_the_same_username(username: str) -> None:
    assert normalize_username(fullwidth(username.upper())) == username


@given(st.text(max_size=30))
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


LOOK_ALIKES = IcuLookAlikes()
# Cyrillic letters that look like Latin ones (a, c, e, o, p, x, y, komi de).
CYRILLIC_LIKE_LATIN = dict(
    zip("aceopxyd", "\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0501", strict=True)
)
latin_words = st.text(alphabet="aceopxyd", min_size=2, max_size=20)


@given(latin_words)
def test_a_word_in_cyrillic_look_alikes_has_the_latin_words_skeleton(word: str) -> None:
    cyrillic = "".join(CYRILLIC_LIKE_LATIN[ch] for ch in word)
    assert not LOOK_ALIKES.mixes_scripts(cyrillic) and not LOOK_ALIKES.mixes_scripts(word)
    assert LOOK_ALIKES.skeleton(cyrillic) == LOOK_ALIKES.skeleton(word)


@given(latin_words, st.data())
def test_one_cyrillic_look_alike_in_a_latin_word_mixes_scripts(
    word: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(word) - 1))
    mixed = word[:at] + CYRILLIC_LIKE_LATIN[word[at]] + word[at + 1 :]
    assert LOOK_ALIKES.mixes_scripts(mixed)
    assert LOOK_ALIKES.skeleton(mixed) == LOOK_ALIKES.skeleton(word)


def test_scripts_written_together_are_no_mix() -> None:
    for text in (
        "jos\u00e9",
        "\u5c71\u7530taro",
        "o'brien+news",
        "\u03b5\u03bb\u03bb\u03ac\u03b4\u03b1",
    ):
        assert not LOOK_ALIKES.mixes_scripts(text), text
    assert LOOK_ALIKES.mixes_scripts("\u03b5\u03bb\u03bb\u03ac\u03b4\u03b1x")  # Greek and Latin


@given(emails)
def test_email_normalization_is_idempotent(email: str) -> None:
    once = normalize_email(f" {email} ")
    assert normalize_email(once) == once == once.lower()
    if len(once) <= 254 and ".." not in once and "." in once.rsplit("@", 1)[1]:
        assert email_error(once) is None or not once.rsplit(".", 1)[1].isalpha()


@given(phones)
def test_phone_numbers_normalize_to_one_e164_form(phone: str) -> None:
    numbers = LibPhoneNumbers("US")
    e164 = numbers.to_e164(phone)
    if e164 is not None:
        assert e164.startswith("+1") and e164[1:].isdigit()
        assert numbers.to_e164(e164) == e164
        assert numbers.to_e164(phone.replace(" ", "")) == e164


PASSWORD = "correct horse battery"


class RotationMachine(RuleBasedStateMachine):
    """Users refresh, log out and replay old tokens in any order; stolen tokens never work."""

    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.alora = build_in_memory(clock=FixedClock(), hasher=FastPasswordHasher())
        self.run(
            self.alora.bus.handle(
                c.RegisterUser(
                    full_name="Ana",
                    username="ana",
                    email="ana@example.com",
                    phone="+14155550100",
                    password=PASSWORD,
                    role=Role.CUSTOMER,
                )
            )
        )
        code = self.alora.mailer.sent[-1].text.split("code is ")[1][:6]  # type: ignore[attr-defined]
        self.run(self.alora.bus.handle(c.VerifyEmail(email="ana@example.com", code=code)))
        self.current: dict[object, str] = {}  # session id -> its one valid refresh token
        self.access: dict[object, str] = {}
        self.dead: set[object] = set()
        self.issued: set[str] = set()

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.loop.close()

    @rule(target=tokens)
    def login(self) -> tuple[object, str]:
        self.alora.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
        result = self.run(self.alora.bus.handle(c.Login(identifier="ana", password=PASSWORD)))
        self._issued(result)
        alive = self._alive()
        if len(alive) > 5:
            self.dead.add(alive[0])  # the oldest session gives way
        return (result.session_id, result.refresh_token)

    @rule(target=tokens, token=tokens)
    def refresh(self, token: tuple[object, str]) -> tuple[object, str]:
        session_id, refresh_token = token
        try:
            result = self.run(self.alora.bus.handle(c.RefreshSession(refresh_token=refresh_token)))
        except Unauthenticated:
            was_current = self.current.get(session_id) == refresh_token
            assert not was_current or session_id in self.dead
            if not was_current:
                self.dead.add(session_id)  # replaying an old token kills the family
            return token
        assert session_id not in self.dead
        assert self.current[session_id] == refresh_token, "a rotated-out token was accepted"
        self._issued(result)
        return (result.session_id, result.refresh_token)

    @precondition(lambda self: bool(self.access))
    @rule(token=consumes(tokens))
    def logout(self, token: tuple[object, str]) -> None:
        session_id, _ = token
        if session_id in self.dead:
            return
        principal = self.run(
            self.alora.bus.handle(c.Authenticate(access_token=self.access[session_id]))
        )
        actor = Actor(user_id=principal.user.id, role=principal.user.role, session_id=session_id)  # type: ignore[arg-type]
        self.run(self.alora.bus.handle(c.Logout(actor=actor)))
        self.dead.add(session_id)

    @invariant()
    def dead_families_stay_dead(self) -> None:
        for session_id in self.dead:
            try:
                self.run(
                    self.alora.bus.handle(c.Authenticate(access_token=self.access[session_id]))
                )
            except Unauthenticated:
                continue
            raise AssertionError("an access token of a revoked session still works")

    def _issued(self, result) -> None:  # type: ignore[no-untyped-def]
        assert result.refresh_token not in self.issued
        self.issued.add(result.refresh_token)
        self.current[result.session_id] = result.refresh_token
        self.access[result.session_id] = result.access_token

    def _alive(self) -> list[object]:
        return [s for s in self.current if s not in self.dead]


RotationMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=20, deadline=None)
test_refresh_token_rotation = RotationMachine.TestCase
