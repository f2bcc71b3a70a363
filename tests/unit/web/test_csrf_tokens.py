"""The CSRF token: masked per render, bound to the nonce and to the sign-in session."""

from __future__ import annotations

from types import SimpleNamespace

from haken.web import csrf


class FakeRequest:
    def __init__(self, nonce: str, session_id: str | None) -> None:
        self.cookies = {csrf.CSRF_COOKIE: nonce}
        principal = SimpleNamespace(session_id=session_id) if session_id else None
        self.state = SimpleNamespace(principal=principal)
        self.app = SimpleNamespace(
            state=SimpleNamespace(settings=SimpleNamespace(resolved_secret_key="k" * 40))
        )
        self.scope: dict = {}


def _valid(request: FakeRequest, token: str) -> bool:
    raw = csrf._unmask(token)
    return raw is not None and raw == csrf._expected(request)  # type: ignore[arg-type]


def test_masking_changes_every_token_but_each_verifies() -> None:
    request = FakeRequest("n" * 43, "session-1")
    tokens = {csrf.issue_token(request) for _ in range(20)}  # type: ignore[arg-type]
    assert len(tokens) == 20
    assert all(_valid(request, t) for t in tokens)


def test_token_is_bound_to_nonce_and_session() -> None:
    token = csrf.issue_token(FakeRequest("n" * 43, "session-1"))  # type: ignore[arg-type]
    assert not _valid(FakeRequest("m" * 43, "session-1"), token)
    assert not _valid(FakeRequest("n" * 43, "session-2"), token)
    assert not _valid(FakeRequest("n" * 43, None), token)


def test_garbage_tokens_do_not_unmask() -> None:
    assert csrf._unmask("") is None
    assert csrf._unmask("!!!") is None
    assert csrf._unmask("QUJD") is None  # valid base64, wrong length
