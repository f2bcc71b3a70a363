"""Password hashing, signed access tokens, opaque secrets and field encryption.

* Passwords: argon2id through pwdlib (hashes are upgraded on sign-in when the
  parameters change).
* Access tokens: JWT HS256 signed with ``HAKEN_SECRET_KEY``; decoding accepts
  only HS256, so ``alg: none`` and algorithm-confusion tokens fail.
* Refresh and reset tokens: random opaque strings; only their SHA-256 is stored.
* Field encryption: AES-256-GCM with a key id prefix, so keys can rotate: the
  first key encrypts, every listed key decrypts.
"""

from __future__ import annotations

import base64
import collections
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_password_hash = PasswordHash((Argon2Hasher(),))
# Verified against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _password_hash.hash("haken-timing-equaliser-" + secrets.token_hex(8))

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "haken"


def use_fast_password_hashing() -> None:
    """Tests only: argon2id with minimal cost, so that a suite creating thousands
    of users does not spend minutes hashing. Production never calls this."""
    global _password_hash, _DUMMY_HASH
    _password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    _DUMMY_HASH = _password_hash.hash("haken-timing-equaliser-" + secrets.token_hex(8))


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """``(valid, new_hash)``; ``new_hash`` is set when the stored hash should be upgraded."""
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False, None
    return _password_hash.verify_and_update(password, password_hash)


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class TokenError(Exception):
    """The token is malformed, forged, expired or of the wrong type."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: str
    role: str
    expires_at: dt.datetime


def encode_access_token(
    secret: str, *, user_id: int, session_id: str, role: str, lifetime: dt.timedelta
) -> tuple[str, int]:
    now = dt.datetime.now(dt.UTC)
    payload = {
        "iss": JWT_ISSUER,
        "sub": str(user_id),
        "sid": session_id,
        "role": role,
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM), int(lifetime.total_seconds())


# Verified tokens by (secret, token): a client sends the same access token on
# every request for its lifetime, so the HMAC check and JSON parse run once per
# token per process. Bounded; expiry is still checked on every use.
_VERIFIED_MAX = 4096
_verified: collections.OrderedDict[tuple[str, str], AccessClaims] = collections.OrderedDict()


def decode_access_token(secret: str, token: str) -> AccessClaims:
    """Verify an access token (signature, issuer, type, expiry) and return its claims."""
    key = (secret, token)
    claims = _verified.get(key)
    if claims is None:
        claims = _verify_access_token(secret, token)
        _verified[key] = claims
        if len(_verified) > _VERIFIED_MAX:
            _verified.popitem(last=False)
    if claims.expires_at <= dt.datetime.now(dt.UTC):
        _verified.pop(key, None)
        raise TokenError("ExpiredSignatureError")
    return claims


def _verify_access_token(secret: str, token: str) -> AccessClaims:
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            issuer=JWT_ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "iss"]},
        )
    except jwt.PyJWTError as error:
        raise TokenError(type(error).__name__) from error
    if payload.get("typ") != "access":
        raise TokenError("wrong token type")
    try:
        return AccessClaims(
            user_id=int(payload["sub"]),
            session_id=str(payload["sid"]),
            role=str(payload.get("role", "")),
            expires_at=dt.datetime.fromtimestamp(int(payload["exp"]), dt.UTC),
        )
    except (TypeError, ValueError) as error:
        raise TokenError("malformed claims") from error


class FieldCipher:
    """AES-256-GCM for personal numbers at rest, with key rotation.

    ``keys`` is the setting's comma-separated list of base64 keys, newest first.
    Ciphertext: ``v1:<key id>:<base64 nonce+ciphertext>``; the key id is the
    first 8 hex digits of the key's SHA-256, so old rows name the key they need.
    """

    def __init__(self, keys: str) -> None:
        parsed: list[tuple[str, AESGCM]] = []
        for raw in [part.strip() for part in keys.split(",") if part.strip()]:
            key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            if len(key) != 32:
                raise ValueError("field keys must be 32 bytes (base64)")
            parsed.append((hashlib.sha256(key).hexdigest()[:8], AESGCM(key)))
        if not parsed:
            raise ValueError("no field key configured")
        self._primary = parsed[0]
        self._by_id = dict(parsed)

    @property
    def primary_key_id(self) -> str:
        return self._primary[0]

    def encrypt(self, plaintext: str, *, context: str = "") -> str:
        key_id, aead = self._primary
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"v1:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str, *, context: str = "") -> str:
        try:
            version, key_id, body = token.split(":", 2)
            if version != "v1":
                raise ValueError("unknown version")
            aead = self._by_id[key_id]
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            return aead.decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")
        except Exception as error:  # wrong key, tampering, truncation: one answer
            raise ValueError("field cannot be decrypted") from error

    def needs_rotation(self, token: str) -> bool:
        return not token.startswith(f"v1:{self.primary_key_id}:")

    def rotate(self, token: str, *, context: str = "") -> str:
        return self.encrypt(self.decrypt(token, context=context), context=context)


_FIELD_CIPHER: FieldCipher | None = None


def configure_field_cipher(keys: str) -> FieldCipher:
    """Install the process-wide cipher (create_app and the CLI call this once)."""
    global _FIELD_CIPHER
    _FIELD_CIPHER = FieldCipher(keys)
    return _FIELD_CIPHER


def field_cipher() -> FieldCipher:
    """The process-wide cipher; failing loudly beats writing a personal number in clear."""
    if _FIELD_CIPHER is None:
        raise RuntimeError("field cipher not configured: call configure_field_cipher() first")
    return _FIELD_CIPHER


def mask_tail(value: str | None, visible: int = 4) -> str | None:
    """``************1234``: the last ``visible`` characters only."""
    if value is None:
        return None
    if len(value) <= visible:
        return "*" * len(value)
    return "*" * (len(value) - visible) + value[-visible:]
