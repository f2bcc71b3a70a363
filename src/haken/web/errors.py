"""Catalog errors of the web UI."""

from __future__ import annotations

from haken.platform.errors import HakenError


class CsrfError(HakenError):
    """A state-changing page request without the token of this browser session."""

    code = "WEB_CSRF_INVALID"
    status_code = 403
    message_en = "The form has expired or did not come from this site; reload the page and retry."
    message_ja = (
        "フォームの有効期限が切れたか、このサイト以外から送信されました。"
        "再読み込みしてやり直してください。"
    )


class ApiCsrfError(HakenError):
    """An API write authenticated by the browser's session cookie, without the CSRF header."""

    code = "WEB_API_CSRF_REQUIRED"
    status_code = 403
    message_en = (
        "An API write authenticated by the browser's session cookie needs the X-CSRF-Token "
        "header; API clients send an Authorization: Bearer token."
    )
    message_ja = (
        "ブラウザのセッション Cookie で認証した API への書き込みには X-CSRF-Token ヘッダーが"
        "必要です。API クライアントは Authorization: Bearer トークンを送ってください。"
    )


class PageNotFoundError(HakenError):
    code = "WEB_PAGE_NOT_FOUND"
    status_code = 404
    message_en = "No such page."
    message_ja = "ページが見つかりません。"
