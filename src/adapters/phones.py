"""Phone numbers to E.164 with the ``phonenumbers`` library (Google's libphonenumber data)."""

from __future__ import annotations

import phonenumbers


class LibPhoneNumbers:
    def __init__(self, default_region: str = "US") -> None:
        self._region = default_region

    def to_e164(self, raw: str) -> str | None:
        if not raw or len(raw) > 40:
            return None
        try:
            number = phonenumbers.parse(raw, self._region)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
