from __future__ import annotations

import base64
import datetime as dt
import json
import secrets

import jwt
import pytest

from haken.platform import security
from haken.platform.access import Role
from haken.platform.security import (
    FieldCipher,
    TokenError,
    decode_access_token,
    encode_access_token,
    hash_password,
    mask_tail,
    verify_password,
)

SECRET = "s" * 48


def _token(**overrides: object) -> str:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    payload = {
        "iss": "haken",
        "sub": "7",
        "sid": "abc",
        "role": "admin",
        "typ": "access",
        "iat": now,
        "exp": now + 60,
    }
    payload.update(overrides)
    return jwt.encode(payload, SECRET, algorithm="HS256")


def test_round_trip() -> None:
    token, expires_in = encode_access_token(
        SECRET, user_id=7, session_id="abc", role="admin", lifetime=dt.timedelta(minutes=5)
    )
    claims = decode_access_token(SECRET, token)
    assert (claims.user_id, claims.session_id, claims.role, expires_in) == (7, "abc", "admin", 300)


def test_expired_token_is_rejected() -> None:
    with pytest.raises(TokenError):
        decode_access_token(SECRET, _token(exp=int(dt.datetime.now(dt.UTC).timestamp()) - 5))


def test_wrong_key_is_rejected() -> None:
    with pytest.raises(TokenError):
        decode_access_token("other" * 10, _token())


def test_alg_none_is_rejected() -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(
        b"="
    )
    good = _token()
    payload = good.split(".")[1]
    forged = f"{header.decode()}.{payload}."
    with pytest.raises(TokenError):
        decode_access_token(SECRET, forged)


def test_tampered_payload_is_rejected() -> None:
    header, payload, signature = _token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "super_admin"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenError):
        decode_access_token(SECRET, f"{header}.{forged_payload}.{signature}")


def test_refresh_style_token_type_is_rejected() -> None:
    with pytest.raises(TokenError):
        decode_access_token(SECRET, _token(typ="refresh"))


def test_missing_claims_are_rejected() -> None:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    token = jwt.encode({"iss": "haken", "sub": "1", "exp": now + 60, "iat": now}, SECRET, "HS256")
    with pytest.raises(TokenError):
        decode_access_token(SECRET, token)


def test_password_hash_verifies_only_the_right_password() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password("correct horse battery", hashed)[0] is True
    assert verify_password("wrong horse battery", hashed)[0] is False
    assert verify_password("anything", None)[0] is False


def _argon2_parameters(hashed: str) -> str:
    """``m=…,t=…,p=…`` of an argon2 hash: what fixes the cost of verifying against it."""
    return hashed.split("$")[3]


def test_an_unknown_account_costs_one_verification_like_an_existing_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 13 item 3 (timing): a sign-in for an e-mail without an account verifies the
    password against a dummy hash of the same argon2 cost as a real one, exactly once, so
    the answer takes as long as a wrong password for an existing account."""
    assert _argon2_parameters(security._DUMMY_HASH) == _argon2_parameters(hash_password("x"))
    real = hash_password("correct horse battery")
    calls: list[str] = []
    hasher = security._password_hash

    class Counting:
        def verify(self, password: str, hashed: str) -> bool:
            calls.append(_argon2_parameters(hashed))
            return bool(hasher.verify(password, hashed))

        def verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
            calls.append(_argon2_parameters(hashed))
            return hasher.verify_and_update(password, hashed)

    monkeypatch.setattr(security, "_password_hash", Counting())
    assert verify_password("wrong horse battery", None) == (False, None)
    unknown, calls[:] = list(calls), []
    assert verify_password("wrong horse battery", real)[0] is False
    assert unknown == calls == [_argon2_parameters(real)]


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def test_field_cipher_round_trip_and_context_binding() -> None:
    cipher = FieldCipher(_key())
    token = cipher.encrypt("123456789018", context="employee.my_number")
    assert "123456789018" not in token
    assert cipher.decrypt(token, context="employee.my_number") == "123456789018"
    with pytest.raises(ValueError):
        cipher.decrypt(token, context="candidate.card")
    assert cipher.encrypt("x") != cipher.encrypt("x")  # fresh nonce each time


def test_field_cipher_rotation() -> None:
    old, new = _key(), _key()
    before = FieldCipher(old).encrypt("AB12345678CD")
    rotated_cipher = FieldCipher(f"{new},{old}")
    assert rotated_cipher.decrypt(before) == "AB12345678CD"
    assert rotated_cipher.needs_rotation(before)
    after = rotated_cipher.rotate(before)
    assert not rotated_cipher.needs_rotation(after)
    with pytest.raises(ValueError):
        FieldCipher(old).decrypt(after)


def test_field_cipher_rejects_bad_keys_and_tampering() -> None:
    with pytest.raises(ValueError):
        FieldCipher(base64.urlsafe_b64encode(b"short").decode())
    with pytest.raises(ValueError):
        FieldCipher("")
    cipher = FieldCipher(_key())
    token = cipher.encrypt("secret")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(ValueError):
        cipher.decrypt(tampered)


def test_mask_tail() -> None:
    assert mask_tail("123456789018") == "********9018"
    assert mask_tail("123") == "***"
    assert mask_tail(None) is None


def test_roles_are_ordered() -> None:
    assert Role.SUPER_ADMIN > Role.ADMIN > Role.COORDINATOR > Role.SITE_MANAGER > Role.EMPLOYEE
    assert Role.ADMIN >= Role.ADMIN
    assert not Role.EMPLOYEE >= Role.SITE_MANAGER
    assert sorted([Role.EMPLOYEE, Role.SUPER_ADMIN, Role.COORDINATOR]) == [
        Role.EMPLOYEE,
        Role.COORDINATOR,
        Role.SUPER_ADMIN,
    ]
