"""Catalog errors of the identity area."""

from __future__ import annotations

from haken.platform.errors import HakenError


class InvalidCredentialsError(HakenError):
    code = "AUTH_INVALID_CREDENTIALS"
    status_code = 401
    message_en = "The e-mail or password is incorrect."
    message_ja = "メールアドレスまたはパスワードが正しくありません。"


class AccountLockedError(HakenError):
    code = "AUTH_ACCOUNT_LOCKED"
    status_code = 423
    message_en = "Too many failed sign-ins; try again in {retry_after} seconds."
    message_ja = (
        "ログインの失敗が続いたため一時的にロックしました。{retry_after} 秒後に再度お試しください。"
    )


class AddressLockedError(HakenError):
    code = "AUTH_ADDRESS_LOCKED"
    status_code = 423
    message_en = "Too many failed sign-ins from this address; try again in {retry_after} seconds."
    message_ja = (
        "この接続元からのログイン失敗が続いています。{retry_after} 秒後に再度お試しください。"
    )


class InvalidTokenError(HakenError):
    code = "AUTH_INVALID_TOKEN"
    status_code = 401
    message_en = "The token is invalid or has expired."
    message_ja = "トークンが無効か期限切れです。"


class TokenReuseError(HakenError):
    code = "AUTH_TOKEN_REUSED"
    status_code = 401
    message_en = "This refresh token was already used; the session has been revoked."
    message_ja = "使用済みのリフレッシュトークンです。安全のためセッションを無効にしました。"


class WeakPasswordError(HakenError):
    code = "AUTH_PASSWORD_TOO_WEAK"
    status_code = 422
    message_en = "The password must be at least {minimum} characters."
    message_ja = "パスワードは {minimum} 文字以上にしてください。"


class CommonPasswordError(HakenError):
    code = "AUTH_PASSWORD_TOO_COMMON"
    status_code = 422
    message_en = (
        "This password is too common or too easy to guess (it is in a list of breached "
        "and common passwords, or follows a simple pattern). Choose a longer, unusual phrase."
    )
    message_ja = (
        "このパスワードはよく使われているか推測されやすいため使用できません"
        "（漏えい・頻出パスワードの一覧にあるか、単純なパターンです）。長く珍しいフレーズにしてください。"
    )


class PasswordContainsIdentityError(HakenError):
    code = "AUTH_PASSWORD_CONTAINS_IDENTITY"
    status_code = 422
    message_en = "The password must not contain your e-mail address or your name."
    message_ja = "パスワードにメールアドレスや氏名を含めることはできません。"


class PasswordReusedError(HakenError):
    code = "AUTH_PASSWORD_REUSED"
    status_code = 422
    message_en = "The new password must differ from the current one."
    message_ja = "新しいパスワードは現在のパスワードと異なるものにしてください。"


class PasswordRepeatedCharacterError(HakenError):
    code = "AUTH_PASSWORD_REPEATED_CHARACTER"
    status_code = 422
    message_en = "The password must not be one character repeated."
    message_ja = "同じ文字の繰り返しだけのパスワードは使用できません。"


class WrongPasswordError(HakenError):
    code = "AUTH_WRONG_PASSWORD"
    status_code = 400
    message_en = "The current password is incorrect."
    message_ja = "現在のパスワードが正しくありません。"


class InvalidResetTokenError(HakenError):
    code = "AUTH_RESET_TOKEN_INVALID"
    status_code = 400
    message_en = "The reset link is invalid, used or expired."
    message_ja = "パスワード再設定のリンクが無効、使用済み、または期限切れです。"


class EmailTakenError(HakenError):
    code = "USER_EMAIL_TAKEN"
    status_code = 409
    message_en = "A user with this e-mail already exists."
    message_ja = "このメールアドレスのユーザーは既に存在します。"


class RoleEscalationError(HakenError):
    code = "USER_ROLE_ESCALATION"
    status_code = 403
    message_en = "You cannot grant a role higher than your own."
    message_ja = "自分より上位の権限は付与できません。"


class SelfModificationError(HakenError):
    code = "USER_SELF_MODIFICATION"
    status_code = 403
    message_en = "You cannot change your own role or deactivate yourself."
    message_ja = "自分自身の権限変更・無効化はできません。"


class InvalidRoleError(HakenError):
    code = "USER_INVALID_ROLE"
    status_code = 422
    message_en = "Unknown role {role}."
    message_ja = "不明な権限です：{role}"


class EmployeeLinkError(HakenError):
    code = "USER_EMPLOYEE_INVALID"
    status_code = 422
    message_en = "The employee record does not exist or already has an account."
    message_ja = "指定した社員が存在しないか、既にアカウントが紐付いています。"


class EmployeeLinkRoleError(HakenError):
    code = "USER_EMPLOYEE_LINK_ROLE"
    status_code = 422
    message_en = "Only a user with the employee role can be linked to an employee record."
    message_ja = "社員レコードに紐付けられるのは「社員」権限のユーザーだけです。"


class SiteLinkRoleError(HakenError):
    code = "USER_SITES_ROLE"
    status_code = 422
    fields = ("site_ids",)
    message_en = "Only a site manager can be given sites."
    message_ja = "事業所を割り当てられるのは「派遣元責任者」権限のユーザーだけです。"


class SiteLinkError(HakenError):
    code = "USER_SITE_INVALID"
    status_code = 422
    fields = ("site_ids",)
    message_en = "Site {site_ids} does not exist."
    message_ja = "事業所 {site_ids} は存在しません。"
