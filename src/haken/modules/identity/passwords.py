"""The password policy (ASVS V2.1): length, breached/common passwords, identity, reuse.

The common-password list is zxcvbn's (the 30 000 most frequent passwords of public
breaches, shipped inside the package: no network), checked for membership of the
normalised password, with zxcvbn's guess estimate behind it for the patterns a list
cannot hold (``passwordpassword``, ``123456789012``, keyboard walks, dates).
"""

from __future__ import annotations

import functools
import unicodedata

from zxcvbn import zxcvbn  # type: ignore[import-untyped]
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

from haken.modules.identity.errors import (
    CommonPasswordError,
    PasswordContainsIdentityError,
    PasswordRepeatedCharacterError,
    PasswordReusedError,
    WeakPasswordError,
)
from haken.modules.identity.schemas import PASSWORD_MIN_LENGTH

# zxcvbn's score 3 = "safely unguessable: moderate protection from offline slow-hash
# attacks" (about 10^8 guesses and more); below it the password is refused.
MINIMUM_SCORE = 3
# zxcvbn looks at this many characters (its cost grows with length); the tail of a
# longer password only adds strength.
_ESTIMATE_LENGTH = 72
# Name parts shorter than this are too common inside words to refuse ("li", "ito").
_IDENTITY_PART_MIN = 4


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@functools.cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _identity_parts(email: str, name: str) -> list[str]:
    email = _normalise(email)
    parts = [email, email.split("@", 1)[0]]
    folded_name = _normalise(name)
    parts.append("".join(folded_name.split()))
    parts.extend(folded_name.split())
    return [part for part in parts if len(part) >= _IDENTITY_PART_MIN]


def check_password(
    password: str,
    *,
    email: str = "",
    name: str = "",
    current_hash_matches: bool = False,
) -> None:
    """Raise the catalog error of the first rule ``password`` breaks.

    ``current_hash_matches``: the caller verified the new password against the
    user's current hash (a change or a reset must not keep the same password).
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        raise WeakPasswordError(minimum=PASSWORD_MIN_LENGTH)
    if len(set(password)) == 1:
        raise PasswordRepeatedCharacterError()
    folded = _normalise(password)
    compact = "".join(folded.split())
    if any(part in folded or part in compact for part in _identity_parts(email, name)):
        raise PasswordContainsIdentityError()
    if current_hash_matches:
        raise PasswordReusedError()
    if folded in _common_passwords() or compact in _common_passwords():
        raise CommonPasswordError()
    inputs = [part for part in (email, name) if part]
    if zxcvbn(password[:_ESTIMATE_LENGTH], user_inputs=inputs)["score"] < MINIMUM_SCORE:
        raise CommonPasswordError()


__all__ = ["PASSWORD_MIN_LENGTH", "check_password"]
